import { containerName, masters } from '../../core/topology.js';
import { type ContainerEvent, watchContainerEvents } from '../../runtime/engine-events.js';
import { type LineStream, streamLines } from '../../runtime/exec-stream.js';
import { inspectContainer } from '../../runtime/node-containers.js';
import { LABEL_LAB, LABEL_MANAGED, LABEL_NODE } from '../../core/topology.js';
import { type ProbeContext, everyInterval, tick } from './probe-context.js';

type View = 'holds' | 'free' | 'unknown';

/**
 * Who holds the VIP, as each master's own kernel says: one long-lived `ip monitor address`
 * stream per master (no command per sample), so two holders are seen the moment they exist.
 * A killed or stopped master holds nothing (its network namespace is gone); a paused master's
 * view is unknown (its kernel keeps the address but its keepalived is frozen).
 */
export function vipProbe(ctx: ProbeContext): Promise<void>[] {
  const vip = ctx.lab.topology.vip;
  const group = masters(ctx.lab.topology);
  const views = new Map<string, View>(group.map((m) => [m.name, 'unknown']));
  const paused = new Set<string>();
  const emit = () => {
    const holders: string[] = [];
    const unknown: string[] = [];
    for (const [name, view] of views) {
      if (paused.has(name) || view === 'unknown') unknown.push(name);
      else if (view === 'holds') holders.push(name);
    }
    ctx.emit({ type: 'vip', at: Date.now(), holders, unknown });
  };
  const set = (name: string, view: View) => {
    if (views.get(name) === view) return;
    views.set(name, view);
    emit();
  };

  const follow = async (name: string) => {
    const container = containerName(ctx.lab.lab, name);
    while (!ctx.signal.aborted) {
      const info = await inspectContainer(container).catch(() => undefined);
      if (!info?.State.Running) {
        set(name, 'free');
        await tick(200, ctx.signal);
        continue;
      }
      let stream: LineStream | undefined;
      try {
        // Start the monitor first, then read the current state: no change can slip between.
        stream = await streamLines(container, ['ip', '-o', '-4', 'monitor', 'address'], (line) => {
          if (!line.includes(` ${vip}/`)) return;
          set(name, line.startsWith('Deleted') ? 'free' : 'holds');
        });
        const runner = ctx.lab.runners[name];
        const now = await runner?.exec(['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'], {
          timeoutMs: 3000,
        });
        if (now && now.exitCode === 0)
          set(name, now.stdout.includes(` ${vip}/`) ? 'holds' : 'free');
        const onAbort = () => stream?.close();
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        await stream.ended;
        ctx.signal.removeEventListener('abort', onAbort);
      } catch {
        // the node is starting or stopping: retry shortly
      } finally {
        stream?.close();
      }
      if (!ctx.signal.aborted) {
        const after = await inspectContainer(container).catch(() => undefined);
        set(name, after?.State.Running && !after.State.Paused ? 'unknown' : 'free');
        await tick(200, ctx.signal);
      }
    }
  };

  const watchPauses = async () => {
    for (const m of group) {
      const info = await inspectContainer(containerName(ctx.lab.lab, m.name)).catch(
        () => undefined,
      );
      if (info?.State.Paused) paused.add(m.name);
    }
    const watcher = await watchContainerEvents(
      { [LABEL_MANAGED]: 'true', [LABEL_LAB]: ctx.lab.lab },
      (e: ContainerEvent) => {
        const node = e.labels[LABEL_NODE];
        if (!node || !views.has(node)) return;
        if (e.action === 'pause') paused.add(node);
        else if (e.action === 'unpause' || e.action === 'start' || e.action === 'die')
          paused.delete(node);
        else return;
        emit();
      },
    );
    const onAbort = () => watcher.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    await watcher.ended;
  };

  return [
    ...group.map((m) => follow(m.name)),
    watchPauses(),
    everyInterval(ctx, ctx.options.intervalMs, async () => emit()),
  ];
}
