// The GitHub Action's outputs, as GITHUB_OUTPUT lines, from the report.json files under a
// report directory: passed (every scenario ran and passed every check), the slowest VIP
// failover and the longest API outage. Usage: action-outputs.mjs REPORT_DIR EXIT_STATUS
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, status] = process.argv.slice(2);
if (!dir) {
  console.error('usage: action-outputs.mjs REPORT_DIR EXIT_STATUS');
  process.exit(2);
}
const reports = readdirSync(dir, { recursive: true })
  .filter((file) => String(file).endsWith('report.json'))
  .map((file) => JSON.parse(readFileSync(join(dir, String(file)), 'utf8')));
const figure = (check, key) => {
  const values = reports.flatMap((r) =>
    r.verdicts
      .filter((v) => v.check === check && typeof v.figures?.[key] === 'number')
      .map((v) => v.figures[key]),
  );
  return values.length > 0 ? String(Math.max(...values)) : '';
};
const passed = status === '0' && reports.length > 0 && reports.every((r) => r.passed);
console.log(`passed=${passed}`);
console.log(`failover-ms=${figure('vipFailover', 'failoverMs')}`);
console.log(`api-unavailable-ms=${figure('apiUnavailable', 'unavailableMs')}`);
console.log(`report-dir=${dir}`);
console.log(`reports=${reports.length}`);
