/**
 * What ha-lab changed on an inventory host, kept on the host itself so that `down --inventory`
 * returns it to how it was found even when the operator's state is gone. Every entry is
 * recorded before the change it names is made, so an interrupted `up` leaves a ledger that
 * still covers everything it did. Pure: rendering and parsing only; the lab layer reads and
 * writes it over the host's runner.
 */
export const HOST_LEDGER_DIR = '/var/lib/ha-lab-host';
export const HOST_LEDGER_PATH = `${HOST_LEDGER_DIR}/ledger.json`;

export interface HostLedger {
  schemaVersion: 1;
  /** The lab that owns the host; another lab's `up` on it is refused. */
  lab: string;
  /** Debian packages ha-lab installed (absent before): purged by `down`. */
  packages: string[];
  /** Files ha-lab put on the host (absolute paths): removed by `down`. */
  files: string[];
  /** Directories ha-lab created (absolute paths): removed with their content by `down`. */
  dirs: string[];
  /** Files that existed before ha-lab replaced them: path -> where the original was kept. */
  backups: Record<string, string>;
  /** systemd units ha-lab enabled or started: stopped and disabled by `down`. */
  units: string[];
}

export type LedgerEntries = Partial<Omit<HostLedger, 'schemaVersion' | 'lab'>>;

export function emptyLedger(lab: string): HostLedger {
  return { schemaVersion: 1, lab, packages: [], files: [], dirs: [], backups: {}, units: [] };
}

/** The ledger with `entries` added, each list kept unique and in first-recorded order. */
export function addToLedger(ledger: HostLedger, entries: LedgerEntries): HostLedger {
  const merge = (a: string[], b: string[] | undefined) => [...new Set([...a, ...(b ?? [])])];
  return {
    ...ledger,
    packages: merge(ledger.packages, entries.packages),
    files: merge(ledger.files, entries.files),
    dirs: merge(ledger.dirs, entries.dirs),
    backups: { ...entries.backups, ...ledger.backups },
    units: merge(ledger.units, entries.units),
  };
}

export function renderLedger(ledger: HostLedger): string {
  return `${JSON.stringify(ledger, null, 2)}\n`;
}

/** Undefined for an empty or unreadable ledger (a host ha-lab never touched). */
export function parseLedger(text: string): HostLedger | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value = JSON.parse(text) as Partial<HostLedger>;
    if (value.schemaVersion !== 1 || typeof value.lab !== 'string') return undefined;
    const list = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    const backups =
      value.backups && typeof value.backups === 'object'
        ? Object.fromEntries(
            Object.entries(value.backups).filter(
              (e): e is [string, string] => typeof e[1] === 'string',
            ),
          )
        : {};
    return {
      schemaVersion: 1,
      lab: value.lab,
      packages: list(value.packages),
      files: list(value.files),
      dirs: list(value.dirs),
      backups,
      units: list(value.units),
    };
  } catch {
    return undefined;
  }
}
