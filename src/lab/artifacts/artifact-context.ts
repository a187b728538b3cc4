import type { EventSink } from '../../core/events.js';

export interface ArtifactContext {
  cacheRoot: string;
  /** Build logs go here; errors name the file. */
  logDir: string;
  events: EventSink;
  signal?: AbortSignal | undefined;
  /** Rebuild even when the cache holds a valid entry (`ha-lab build --force`). */
  force?: boolean;
}

export function progress(ctx: ArtifactContext, phase: string, message: string): void {
  ctx.events({ kind: 'phase-progress', at: Date.now(), phase, message });
}

export function warn(ctx: ArtifactContext, message: string): void {
  ctx.events({ kind: 'log', at: Date.now(), level: 'warn', message });
}
