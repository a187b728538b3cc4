import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { InterruptedError } from '../core/errors.js';
import { HaLab } from './ha-lab.js';
import { removeLabAfterExit } from './remove-after-exit.js';
import type { UpOptions } from './options.js';

/** What tests read with `inject('haLab')`. */
export interface ProvidedHaLab {
  name: string;
  /** Path of the lab's kubeconfig (0600); its server is the VIP. */
  kubeconfig: string;
  /** True when the lab was already running (HA_LAB_NAME) and is left running afterwards. */
  attached: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    haLab: ProvidedHaLab;
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * A vitest global setup for one lab per test run. With HA_LAB_NAME set it attaches to that lab
 * and leaves it running; otherwise it brings one up with `options` (name: HA_LAB_UP_NAME, else
 * "vitest-lab") and removes it in teardown, also when a suite failed or on Ctrl-C / SIGTERM.
 */
export function haLabGlobalSetup(options: UpOptions = {}) {
  return async (project: TestProject): Promise<() => Promise<void>> => {
    const attachTo = process.env.HA_LAB_NAME;
    if (attachTo) {
      const lab = await HaLab.attach(attachTo, options);
      project.provide('haLab', {
        name: lab.name,
        kubeconfig: await lab.kubeconfigPath(),
        attached: true,
      });
      return () => lab[Symbol.asyncDispose]();
    }
    const controller = new AbortController();
    let lab: HaLab | undefined;
    let removing: Promise<unknown> | undefined;
    const remove = () => (lab ? (removing ??= lab.down()) : Promise.resolve());
    const unlisten = () => {
      for (const s of SIGNALS) process.removeListener(s, onSignal);
    };
    const name = options.name ?? process.env.HA_LAB_UP_NAME ?? 'vitest-lab';
    const onSignal = (signal: NodeJS.Signals) => {
      // vitest ends the process on Ctrl-C without running teardown: abort an `up` in progress,
      // and leave the removal to a process that outlives this one.
      controller.abort(new InterruptedError(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'));
      unlisten();
      removeLabAfterExit(name);
      // Where nothing else ends the process, the signal ends it as it would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    for (const s of SIGNALS) process.on(s, onSignal);
    try {
      lab = await HaLab.up({
        ...options,
        name,
        signal: options.signal
          ? AbortSignal.any([options.signal, controller.signal])
          : controller.signal,
      });
      project.provide('haLab', {
        name: lab.name,
        kubeconfig: await lab.kubeconfigPath(),
        attached: false,
      });
    } catch (error) {
      unlisten();
      await remove().catch(() => undefined);
      throw error;
    }
    return async () => {
      try {
        await remove();
      } finally {
        unlisten();
      }
    };
  };
}

/** `globalSetup: ['ha-lab/vitest']`: the defaults (or HA_LAB_NAME to attach). */
export default haLabGlobalSetup();
