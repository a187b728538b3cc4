/**
 * Ink and React load only for the commands that draw (tui, up on a terminal): every other
 * command starts faster, and React runs its production build, not the development one that
 * checks every render.
 */
export async function loadUi() {
  process.env.NODE_ENV ??= 'production';
  const [dashboard, phases] = await withoutCiFlag(() =>
    Promise.all([import('../ui/run-dashboard.js'), import('../ui/run-phase-view.js')]),
  );
  return { startDashboard: dashboard.startDashboard, startPhaseView: phases.startPhaseView };
}

const CI_FLAGS = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/**
 * Ink reads CI once, when it is first imported, and then holds every frame back until exit.
 * These views are only drawn on an interactive terminal the user (or a tmux-driven test)
 * is looking at, so a CI variable inherited from the job must not blank them.
 */
async function withoutCiFlag<T>(load: () => Promise<T>): Promise<T> {
  const saved = CI_FLAGS.map((name) => [name, process.env[name]] as const);
  for (const name of CI_FLAGS) delete process.env[name];
  try {
    return await load();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}
