import { buildCheckContext } from '../checkers/context.js';
import { formatDuration } from '../scenario/duration.js';
import { formatFigures } from './figures.js';
import type { Report } from './schema.js';
import { renderTimeline, TIMELINE_LEGEND } from './timeline.js';

/** summary.md: what a person reads first, in a PR comment or a CI job summary. */
export function renderMarkdown(report: Report): string {
  const status = report.interrupted ? '⚠️ INTERRUPTED' : report.passed ? '✅ PASSED' : '❌ FAILED';
  const passedChecks = report.verdicts.filter((v) => v.passed).length;
  const lines = [
    `# ${status}: ${report.scenario.name}`,
    '',
    `> ${cell(report.scenario.description)}`,
    '',
    `Lab \`${report.labName}\` · started ${new Date(report.startedAt).toISOString()} · ` +
      `${formatDuration(report.durationMs)} · ${passedChecks} of ${report.verdicts.length} checks passed`,
    '',
  ];
  if (report.error !== undefined) lines.push(`**Run error:** ${cell(report.error)}`, '');
  lines.push('## Checks', '', '| Check | Result | Summary | Figures |', '|---|---|---|---|');
  for (const v of report.verdicts) {
    lines.push(
      `| ${v.check} | ${v.passed ? '✅ pass' : '❌ fail'} | ${cell(v.summary)} | ${cell(formatFigures(v.figures))} |`,
    );
  }
  if (report.verdicts.length === 0) lines.push('| – | – | no checks ran | |');
  lines.push(
    '',
    '## Timeline',
    '',
    '```text',
    ...renderTimeline(report.history),
    '',
    ...TIMELINE_LEGEND,
    '```',
    '',
  );
  const faults = buildCheckContext(report.history).faults;
  if (faults.length > 0) {
    lines.push(
      '## Faults',
      '',
      '| Id | Fault | Targets | Applied | Undone |',
      '|---|---|---|---|---|',
    );
    for (const f of faults) {
      const undone = f.undoFailed
        ? 'undo failed'
        : f.undoneAt === null
          ? 'never'
          : since(report, f.undoneAt);
      lines.push(
        `| ${f.id} | ${f.fault}${f.method ? ` (by ${f.method})` : ''} | ${cell(f.targets.join(', '))} | ${since(report, f.appliedAt)} | ${undone} |`,
      );
    }
    lines.push('');
  }
  lines.push(...operationSteps(report));
  return lines.join('\n');
}

/** Where a day-2 operation's time went: every step with its start and duration. */
function operationSteps(report: Report): string[] {
  const records = report.history.entries.filter((e) => e.type === 'op');
  if (records.length === 0) return [];
  const lines = [
    '## Operation steps',
    '',
    '| Id | Step | Node | Started | Took |',
    '|---|---|---|---|---|',
  ];
  for (const r of records) {
    if (r.phase === 'started') continue;
    const what = r.phase === 'step' ? (r.step ?? 'step') : `**${r.op} ${r.phase}**`;
    const detail = r.message ? ` (${r.message})` : '';
    const took = r.durationMs === undefined ? '' : formatDuration(Math.max(1, r.durationMs));
    lines.push(
      `| ${r.id} | ${cell(what + detail)} | ${r.node ?? ''} | ${since(report, r.startedAt ?? r.at)} | ${took} |`,
    );
  }
  lines.push('');
  return lines;
}

function since(report: Report, at: number): string {
  return `+${formatDuration(Math.max(0, at - report.history.startedAt))}`;
}

/** A table cell: a pipe or newline would end the cell or the row early. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
