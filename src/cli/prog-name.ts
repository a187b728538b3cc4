/**
 * How the user runs ha-lab: `./ha-lab` in a clone (the wrapper script says so in HA_LAB_PROG),
 * `ha-lab` once it is on PATH. Messages and hints name commands in backticks as `ha-lab ...`;
 * this rewrites them to what the user can paste.
 */
export function progName(env: NodeJS.ProcessEnv = process.env): string {
  const typed = env.HA_LAB_PROG?.trim();
  return typed && typed.length > 0 ? typed : 'ha-lab';
}

export function asTyped(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const prog = progName(env);
  return prog === 'ha-lab' ? text : text.replaceAll('`ha-lab ', `\`${prog} `);
}
