import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import { engineCall } from './docker-client.js';
import type { EventWatch, MachineEvent } from './provider.js';

/** The engine's event stream for containers with the given labels (start, die, pause ...). */
export async function watchContainerEvents(
  docker: Docker,
  labels: Record<string, string>,
  onEvent: (event: MachineEvent) => void,
): Promise<EventWatch> {
  const filters = {
    type: ['container'],
    label: Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  };
  // dockerode's typings take `filters` as an object; the engine wants it JSON-encoded.
  const options = { filters: JSON.stringify(filters) } as unknown as { filters: object };
  const stream = (await engineCall('watching container events', () =>
    docker.getEvents(options),
  )) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const lines = createInterface({ input: stream });
  // readline re-emits the stream's errors (ECONNRESET when the engine stops); `ended` below
  // reports them, so the interface's copy must not become an uncaught 'error' event.
  lines.on('error', () => undefined);
  lines.on('line', (line) => {
    try {
      const e = JSON.parse(line) as {
        Action?: string;
        timeNano?: number;
        Actor?: { Attributes?: Record<string, string> };
      };
      const attrs = e.Actor?.Attributes ?? {};
      onEvent({
        at: e.timeNano ? Math.round(e.timeNano / 1e6) : Date.now(),
        action: e.Action ?? '',
        name: attrs.name ?? '',
        labels: attrs,
      });
    } catch {
      // partial or non-JSON line: ignore
    }
  });
  const ended = new Promise<void>((resolve) => {
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  });
  return { close: () => stream.destroy(), ended };
}
