import type { EventSink } from '../../core/events.js';

/** Every step of the hosts' packages reports under one phase name, as `up` will show it. */
export const PACKAGES_PHASE = 'packages';

export function packagesProgress(events: EventSink | undefined, message: string): void {
  events?.({ kind: 'phase-progress', at: Date.now(), phase: PACKAGES_PHASE, message });
}

export function packagesWarning(events: EventSink | undefined, message: string): void {
  events?.({ kind: 'log', at: Date.now(), level: 'warn', message });
}

export const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
