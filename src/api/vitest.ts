import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { HaLab } from './ha-lab.js';
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
    const remove = () => (removing ??= lab ? lab.down() : Promise.resolve());
    const onSignal = (signal: NodeJS.Signals) => {
      controller.abort(new Error(`${signal} during the ha-lab global setup`));
      // Up cleans a half-made lab itself on abort; a finished one is removed here, then the
      // signal is delivered again so the process ends the way it would have.
      void remove().finally(() => {
        for (const s of SIGNALS) process.removeListener(s, onSignal);
        process.kill(process.pid, signal);
      });
    };
    for (const s of SIGNALS) process.on(s, onSignal);
    try {
      lab = await HaLab.up({
        ...options,
        name: options.name ?? process.env.HA_LAB_UP_NAME ?? 'vitest-lab',
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
      for (const s of SIGNALS) process.removeListener(s, onSignal);
      await remove().catch(() => undefined);
      throw error;
    }
    return async () => {
      try {
        await remove();
      } finally {
        for (const s of SIGNALS) process.removeListener(s, onSignal);
      }
    };
  };
}

/** `globalSetup: ['ha-lab/vitest']`: the defaults (or HA_LAB_NAME to attach). */
export default haLabGlobalSetup();
