import { containerName, labLink, masters } from '../../core/topology.js';
import type { LineStream, MachineEvent } from '../../runtime/provider.js';
import { LABEL_LAB, LABEL_MANAGED, LABEL_NODE } from '../../core/topology.js';
import { type ProbeContext, everyInterval, tick } from './probe-context.js';

type View = 'holds' | 'free' | 'unknown';

/** How often a paused master's kernel is read through its network namespace. */
const FROZEN_READ_MS = 250;

/**
 * Who holds the VIP, as each master's own kernel says: one long-lived `ip monitor address`
 * stream per master (no command per sample), so two holders are seen the moment they exist.
 * A killed or stopped master holds nothing (its network namespace is gone). A paused master's
 * kernel is read from the host through its network namespace: if it still has the VIP it is a
 * "frozen holder" (its keepalived cannot let go, but its kernel still answers ARP for it).
 * Only a master that cannot be read at all is unknown.
 */
export function vipProbe(ctx: ProbeContext): Promise<void>[] {
  const vip = ctx.lab.topology.vip;
  const { provider } = ctx.lab;
  const group = masters(ctx.lab.topology);
  const views = new Map<string, View>(group.map((m) => [m.name, 'unknown']));
  const paused = new Set<string>();
  /** A paused master's kernel view, read through its network namespace. */
  const frozenViews = new Map<string, View>();
  const emit = () => {
    const holders: string[] = [];
    const unknown: string[] = [];
    const frozen: string[] = [];
    for (const [name, view] of views) {
      if (paused.has(name)) {
        const kernel = frozenViews.get(name) ?? 'unknown';
        if (kernel === 'holds') frozen.push(name);
        else if (kernel === 'unknown') unknown.push(name);
      } else if (view === 'unknown') unknown.push(name);
      else if (view === 'holds') holders.push(name);
    }
    ctx.emit({ type: 'vip', at: Date.now(), holders, unknown, frozen });
  };
  const readKernel = async (name: string): Promise<View> => {
    const addresses = await provider
      .kernelAddresses(containerName(ctx.lab.lab, name))
      .catch(() => undefined);
    return addresses === undefined ? 'unknown' : addresses.includes(vip) ? 'holds' : 'free';
  };
  const set = (name: string, view: View) => {
    if (views.get(name) === view) return;
    views.set(name, view);
    emit();
  };

  const follow = async (name: string) => {
    const container = containerName(ctx.lab.lab, name);
    while (!ctx.signal.aborted) {
      const info = await provider.inspectMachine(container).catch(() => undefined);
      if (!info?.running) {
        set(name, 'free');
        await tick(200, ctx.signal);
        continue;
      }
      let stream: LineStream | undefined;
      try {
        // Start the monitor first, then read the current state: no change can slip between.
        stream = await provider.streamLines(
          container,
          ['ip', '-o', '-4', 'monitor', 'address'],
          (line) => {
            if (!line.includes(` ${vip}/`)) return;
            set(name, line.startsWith('Deleted') ? 'free' : 'holds');
          },
        );
        const runner = ctx.lab.runners[name];
        const now = await runner?.exec(
          ['ip', '-4', '-o', 'addr', 'show', 'dev', labLink(ctx.lab.topology).interface],
          {
            timeoutMs: 3000,
          },
        );
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
        const after = await provider.inspectMachine(container).catch(() => undefined);
        // While the stream reconnects, the kernel itself still says whether it has the VIP.
        set(name, after?.running && !after.paused ? await readKernel(name) : 'free');
        await tick(200, ctx.signal);
      }
    }
  };

  const watchPauses = async () => {
    for (const m of group) {
      const info = await provider
        .inspectMachine(containerName(ctx.lab.lab, m.name))
        .catch(() => undefined);
      if (info?.paused) paused.add(m.name);
    }
    const watcher = await provider.watchEvents(
      { [LABEL_MANAGED]: 'true', [LABEL_LAB]: ctx.lab.lab },
      (e: MachineEvent) => {
        const node = e.labels[LABEL_NODE];
        if (!node || !views.has(node)) return;
        if (e.action === 'pause') paused.add(node);
        else if (e.action === 'unpause' || e.action === 'start' || e.action === 'die') {
          paused.delete(node);
          frozenViews.delete(node);
        } else return;
        emit();
      },
    );
    const onAbort = () => watcher.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    await watcher.ended;
  };

  const readFrozen = async () => {
    while (!ctx.signal.aborted) {
      for (const name of paused) {
        const view = await readKernel(name);
        if (frozenViews.get(name) !== view) {
          frozenViews.set(name, view);
          emit();
        }
      }
      await tick(FROZEN_READ_MS, ctx.signal);
    }
  };

  return [
    ...group.map((m) => follow(m.name)),
    watchPauses(),
    readFrozen(),
    everyInterval(ctx, ctx.options.intervalMs, async () => emit()),
  ];
}
