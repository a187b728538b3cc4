import type { EventSink } from '../../core/events.js';
import type { ImageStore } from '../../runtime/provider.js';

/** What building host artifacts (Go binaries, downloads) needs. */
export interface BuildContext {
  cacheRoot: string;
  /** Build logs go here; errors name the file. */
  logDir: string;
  events: EventSink;
  signal?: AbortSignal | undefined;
  /** Rebuild even when the cache holds a valid entry (`ha-lab build --force`). */
  force?: boolean;
}

/** Building images needs, in addition, where images are built, inspected and saved. */
export interface ArtifactContext extends BuildContext {
  images: ImageStore;
}

export function progress(ctx: BuildContext, phase: string, message: string): void {
  ctx.events({ kind: 'phase-progress', at: Date.now(), phase, message });
}

export function warn(ctx: Pick<BuildContext, 'events'>, message: string): void {
  ctx.events({ kind: 'log', at: Date.now(), level: 'warn', message });
}
