// The library's targets (issue 14), measured on a running lab through the built package:
// HaLab.attach() time, and how long after a history entry is recorded events() delivers it.
import { performance } from 'node:perf_hooks';
import { HaLab } from '../dist/api/index.js';

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1),
  };
};

export async function measureLibrary(name) {
  const attachMs = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const lab = await HaLab.attach(name);
    attachMs.push(Math.round(performance.now() - started));
    await lab[Symbol.asyncDispose]();
  }
  // A probes-only scenario: every probe sample goes through record(); onEvent runs inside it,
  // so its time is the moment of recording, and the iterator's receipt is the delivery.
  const lab = await HaLab.attach(name);
  const recordedAt = new Map();
  const delays = [];
  const controller = new AbortController();
  const reading = (async () => {
    for await (const entry of lab.events({ signal: controller.signal })) {
      const at = recordedAt.get(entry);
      if (at !== undefined) delays.push(performance.now() - at);
    }
  })();
  const run = await lab.runScenario(
    {
      name: 'bench-events',
      description: 'probes only, no fault: the events() delivery delay',
      steps: [{ settle: '2s' }, { observe: '15s' }],
    },
    {
      onEvent: (entry) => recordedAt.set(entry, performance.now()),
      reportDir: `/tmp/ha-lab-bench-events-${process.pid}`,
    },
  );
  controller.abort();
  await reading;
  await lab[Symbol.asyncDispose]();
  return {
    attachMs: summary(attachMs),
    attachTargetMs: 2000,
    eventsDelayMs: summary(delays.map((d) => Math.round(d * 10) / 10)),
    eventsTargetMs: 100,
    entries: run.report.history.entries.length,
  };
}
