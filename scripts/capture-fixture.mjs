// Turns a real run's report.json into a checker fixture (test/fixtures/histories/captured/).
// Usage: node scripts/capture-fixture.mjs REPORT.json OUT.json "description" [check=true|false ...]
// The expected verdicts are given explicitly (judged by a person from the run), not copied
// from the report, so a checker that changes its mind is caught.
import { readFileSync, writeFileSync } from 'node:fs';

const [reportPath, outPath, description, ...verdicts] = process.argv.slice(2);
if (!reportPath || !outPath || !description || verdicts.length === 0) {
  console.error(
    'usage: capture-fixture.mjs REPORT.json OUT.json "description" check=true|false ...',
  );
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const shouldPass = Object.fromEntries(
  verdicts.map((v) => v.split('=')).map(([k, b]) => [k, b === 'true']),
);
const expect = Object.fromEntries(
  Object.entries(report.scenario.expect).filter(([, v]) => v !== undefined),
);
writeFileSync(
  outPath,
  `${JSON.stringify({ description, expect, shouldPass, history: report.history })}\n`,
);
console.log(`wrote ${outPath}: ${report.history.entries.length} entries`);
