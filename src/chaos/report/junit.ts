import { formatFigures } from './figures.js';
import type { Report } from './schema.js';
import { escapeXml } from './xml.js';

/**
 * One testsuite per scenario, one testcase per check, so CI shows which guarantee broke.
 * A run that did not finish gets a testcase "run" with an <error>, so it can never show
 * up green just because the checks that did run passed.
 */
export function renderJunit(report: Report): string {
  const suite = report.scenario.name;
  const classname = `ha-lab.chaos.${suite}`;
  const cases = report.verdicts.map((v) => {
    const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(v.check)}" time="0">`;
    const figures = formatFigures(v.figures);
    const out = figures ? `\n      <system-out>${escapeXml(figures)}</system-out>` : '';
    if (v.passed) return `${open}${out}\n    </testcase>`;
    return `${open}\n      <failure message="${escapeXml(v.summary)}" type="check-failed">${escapeXml(v.summary)}</failure>${out}\n    </testcase>`;
  });
  const runProblem = report.interrupted
    ? `interrupted${report.error ? `: ${report.error}` : ''}`
    : (report.error ?? (report.verdicts.length === 0 ? 'no checks ran' : undefined));
  if (runProblem !== undefined) {
    cases.unshift(
      `    <testcase classname="${escapeXml(classname)}" name="run" time="${seconds(report.durationMs)}">\n` +
        `      <error message="${escapeXml(runProblem)}" type="${report.interrupted ? 'interrupted' : 'run-error'}">${escapeXml(runProblem)}</error>\n` +
        `    </testcase>`,
    );
  }
  const failures = report.verdicts.filter((v) => !v.passed).length;
  const errors = runProblem === undefined ? 0 : 1;
  const tests = cases.length;
  const counts = `tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(report.durationMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ha-lab chaos" ${counts}>`,
    `  <testsuite name="${escapeXml(suite)}" ${counts} timestamp="${new Date(report.startedAt).toISOString()}">`,
    '    <properties>',
    `      <property name="lab" value="${escapeXml(report.labName)}"/>`,
    `      <property name="description" value="${escapeXml(report.scenario.description)}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
