// Fails a CI run that skipped a test: a skipped test proves nothing, and CI must not pass
// with a hole in it. Reads vitest's JSON report(s) and names every skipped or todo test.
// Usage: node scripts/check-skipped.mjs REPORT.json [REPORT.json ...]
import { readFileSync } from 'node:fs';

const skipped = [];
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const suite of report.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      if (['skipped', 'pending', 'todo', 'disabled'].includes(test.status))
        skipped.push(`${suite.name.replace(`${process.cwd()}/`, '')}: ${test.fullName}`);
    }
  }
}
if (skipped.length > 0) {
  console.error(`ha-lab: ${skipped.length} test(s) were skipped, which CI does not allow:`);
  for (const name of skipped) console.error(`  ${name}`);
  process.exit(1);
}
