import type { EventWatch, Labels, MachineEvent } from '../provider.js';

interface Watcher {
  labels: Labels;
  onEvent: (event: MachineEvent) => void;
  end: () => void;
}

/**
 * Hosts have no engine to report their lifecycle, so the events are the provider's own: each
 * power action it performs is told, once done, to the watchers whose labels the machine
 * carries (what an engine's event stream filtered by label would deliver). What happens to a
 * host behind ha-lab's back is seen by inspecting it, not here.
 */
export class MachineEvents {
  private readonly watchers = new Set<Watcher>();

  watch(labels: Labels, onEvent: (event: MachineEvent) => void): EventWatch {
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const watcher: Watcher = { labels: { ...labels }, onEvent, end };
    this.watchers.add(watcher);
    return {
      ended,
      close: () => {
        this.watchers.delete(watcher);
        end();
      },
    };
  }

  emit(action: string, name: string, labels: Labels): void {
    const event: MachineEvent = { at: Date.now(), action, name, labels: { ...labels } };
    for (const watcher of [...this.watchers]) {
      if (!labelsMatch(labels, watcher.labels)) continue;
      try {
        watcher.onEvent(event);
      } catch {
        // One watcher's failure must not keep the event from the others (nor fail the action).
      }
    }
  }

  /** Ends every watch (the provider is disposed). */
  closeAll(): void {
    for (const watcher of this.watchers) watcher.end();
    this.watchers.clear();
  }
}

/** Does a machine carrying `labels` match the filter (every key with exactly its value)? */
export function labelsMatch(labels: Labels, filter: Labels): boolean {
  return Object.entries(filter).every(([key, value]) => labels[key] === value);
}
