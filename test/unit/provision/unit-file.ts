/** Reads a systemd unit into section -> directive -> values (directives may repeat). */
export function unitDirectives(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const section = /^\[(.+)\]$/.exec(trimmed);
    if (section?.[1]) {
      current = sections.get(section[1]) ?? new Map<string, string[]>();
      sections.set(section[1], current);
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (!current || eq < 0) throw new Error(`not a unit directive: ${trimmed}`);
    const key = trimmed.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), trimmed.slice(eq + 1)]);
  }
  return sections;
}

export function directive(text: string, section: string, key: string): string[] {
  return unitDirectives(text).get(section)?.get(key) ?? [];
}
