// A consumer's own suite: it knows ha-lab only as the installed package (no path into the
// ha-lab repository). It brings a lab up, kills master-0, checks the API through the VIP with
// its own client, runs kill-master0 for the report, and removes the lab.
import { request } from 'node:https';
import { readFile } from 'node:fs/promises';
import { afterAll, expect, test } from 'vitest';
import { HaLab } from 'ha-lab';

const name = process.env.LIB_LAB_NAME;
let lab;

afterAll(async () => {
  await lab?.down();
});

/** The kubeconfig's server and embedded credentials, read without a YAML library. */
function credentials(kubeconfig) {
  const field = (key) => {
    const match = new RegExp(`${key}: (\\S+)`).exec(kubeconfig);
    if (!match) throw new Error(`kubeconfig has no ${key}`);
    return match[1];
  };
  const pem = (key) => Buffer.from(field(key), 'base64').toString('utf8');
  return {
    server: field('server'),
    ca: pem('certificate-authority-data'),
    cert: pem('client-certificate-data'),
    key: pem('client-key-data'),
  };
}

function get(creds, path) {
  return new Promise((resolve) => {
    const req = request(
      new URL(path, creds.server),
      { ca: creds.ca, cert: creds.cert, key: creds.key, timeout: 2000 },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, body: error.message }));
    req.end();
  });
}

async function readyWithin(creds, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const r = await get(creds, '/readyz');
    if (r.status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

test('a lab from the installed package survives the kill of master-0', async () => {
  lab = await HaLab.up({ name });
  const kubeconfigPath = await lab.kubeconfigPath();
  expect(((await import('node:fs')).statSync(kubeconfigPath).mode & 0o777).toString(8)).toBe('600');
  const creds = credentials(await readFile(kubeconfigPath, 'utf8'));
  expect(creds.server).toMatch(/^https:\/\/\d+\.\d+\.\d+\.\d+:6443$/);
  expect(await readyWithin(creds, 30_000)).toBe(true);

  // Right after up, the last kubelet leases and node conditions may still be settling.
  await expect
    .poll(async () => (await lab.status()).healthy, { timeout: 120_000, interval: 2000 })
    .toBe(true);
  expect((await lab.status()).vipHolders).toEqual(['master-0']);

  const fault = await lab.inject('kill', 'master-0');
  expect(fault.nodes).toEqual(['master-0']);
  // Through the VIP, from this suite's own client: a survivor answers within seconds.
  expect(await readyWithin(creds, 15_000)).toBe(true);
  const nodes = await get(creds, '/api/v1/nodes');
  expect(nodes.status).toBe(200);
  expect(JSON.parse(nodes.body).items).toHaveLength(6);
  await fault.undo();

  const seen = [];
  const result = await lab.runScenario('kill-master0', {
    reportDir: process.env.LIB_REPORT_DIR,
    onEvent: (entry) => seen.push(entry.type),
  });
  expect(result.report.verdicts.filter((v) => !v.passed)).toEqual([]);
  expect(result.passed).toBe(true);
  expect(result.report.verdicts.map((v) => v.check)).toContain('vipFailover');
  expect(seen).toContain('fault');
  expect(seen).toContain('vip');
});
