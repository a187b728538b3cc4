/**
 * Ink and React load only for the commands that draw (tui, up on a terminal): every other
 * command starts faster, and React runs its production build, not the development one that
 * checks every render.
 */
export async function loadUi() {
  process.env.NODE_ENV ??= 'production';
  const [dashboard, phases] = await Promise.all([
    import('../ui/run-dashboard.js'),
    import('../ui/run-phase-view.js'),
  ]);
  return { startDashboard: dashboard.startDashboard, startPhaseView: phases.startPhaseView };
}
