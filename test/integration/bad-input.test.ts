import Docker from 'dockerode';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildEntry,
  checkEntry,
  entryDir,
  hashInputs,
} from '../../src/lab/artifacts/cache-manifest.js';
import { ensurePauseBinary } from '../../src/lab/artifacts/go-binaries.js';
import { goVersion } from '../../src/lab/artifacts/go-modules.js';
import { cidrsOverlap } from '../../src/lab/subnets.js';
import { LABEL_TEST } from '../../src/core/topology.js';
import type { LabEvent } from '../../src/core/events.js';
import { ROOT, haLab, testLabName, type CliResult } from '../support/cli.js';
import { NOTHING, leftovers } from '../support/leftovers.js';
import { testLabs } from '../support/test-labs.js';

/**
 * A catalogue of wrong input and hostile environments. Each answer is the documented exit
 * status and exactly one line on stderr that names the problem and what to do, never a stack
 * trace, and nothing half-made is left in the engine or the state directory.
 */
const labs = await testLabs('bad-input');
const { stateRoot, env } = labs;
const workDir = await mkdtemp(join(tmpdir(), 'ha-lab-bad-scenarios-'));
const newLab = () => labs.newLab('it');

/** Exactly one stderr line, `ha-lab: ...`, matching `pattern`, and no stack frames. */
function expectOneLine(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.split('\n').filter((l) => l.length > 0);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^ha-lab: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

async function expectNothingLeft(lab: string, options: { stateDir?: boolean } = {}): Promise<void> {
  expect(await leftovers(lab)).toEqual(NOTHING);
  expect(await labs.stateExists(lab)).toBe(options.stateDir ?? false);
}

afterAll(async () => {
  await labs.removeAll();
  await rm(workDir, { recursive: true, force: true });
});

describe('an invalid scenario file', () => {
  const VALID_HEAD = 'name: broken\ndescription: a scenario with one mistake\n';
  const cases = [
    {
      what: 'a YAML syntax error',
      file: 'syntax.yaml',
      text: `${VALID_HEAD}steps:\n  - settle: 5s\n   - observe: [\n`,
      where: /syntax\.yaml:5: /,
    },
    {
      what: 'an unknown fault',
      file: 'unknown-fault.yaml',
      text: `${VALID_HEAD}steps:\n  - settle: 5s\n  - fault: explode\n    target: master-0\n`,
      where: /unknown-fault\.yaml:5: steps\[1\]\.fault: unknown fault "explode"/,
    },
    {
      what: 'an unknown node',
      file: 'unknown-node.yaml',
      text: `${VALID_HEAD}steps:\n  - fault: kill\n    target: master-9\n`,
      where: /unknown-node\.yaml:5: steps\[0\]\.target: unknown target "master-9"/,
    },
    {
      what: 'a negative duration',
      file: 'negative.yaml',
      text: `${VALID_HEAD}steps:\n  - settle: -5s\n`,
      where: /negative\.yaml:4: steps\[0\]\.settle: .*must be positive/,
    },
    {
      what: 'an absurd duration',
      file: 'absurd.yaml',
      text: `${VALID_HEAD}steps:\n  - observe: 99h\n`,
      where: /absurd\.yaml:4: steps\[0\]\.observe: .*too long/,
    },
    {
      what: 'no steps',
      file: 'no-steps.yaml',
      text: VALID_HEAD,
      where: /no-steps\.yaml:1: steps: is required/,
    },
  ];

  it.each(cases)(
    'is refused with exit 2 naming file, line and field for $what, before any lab is opened',
    async ({ file, text, where }) => {
      const path = join(workDir, file);
      await writeFile(path, text);
      const lab = newLab();
      const result = await haLab(['scenario', 'run', path, '--name', lab], { env });
      expect(result.exitCode, result.stderr).toBe(2);
      expectOneLine(result, where);
      await expectNothingLeft(lab);
    },
  );
});

describe('usage errors', () => {
  it('refuses an unknown command with exit 2 and names it', async () => {
    const result = await haLab(['frobnicate'], { env });
    expect(result.exitCode).toBe(2);
    expectOneLine(result, /unknown command "frobnicate".*ha-lab --help/);
  });

  it('refuses an unknown flag with exit 2 and names it', async () => {
    const result = await haLab(['up', '--frobnicate'], { env });
    expect(result.exitCode).toBe(2);
    expectOneLine(result, /unknown option '--frobnicate'.*ha-lab --help/);
  });

  it('refuses an invalid lab name with exit 2 and says what a name may hold', async () => {
    const result = await haLab(['up', '--name', 'Bad_Name'], { env });
    expect(result.exitCode).toBe(2);
    expectOneLine(result, /invalid lab name "Bad_Name": use 1-30 lowercase letters/);
    await expectNothingLeft('Bad_Name');
  });

  it('refuses an unsupported Kubernetes version with exit 2 and names the supported ones', async () => {
    const lab = newLab();
    const result = await haLab(['up', '--name', lab, '--kubernetes-version', '1.20'], { env });
    expect(result.exitCode).toBe(2);
    expectOneLine(result, /Kubernetes 1\.20 is not supported: use 1\.34 to 1\.36/);
    await expectNothingLeft(lab);
  });
});

describe('a hostile environment', () => {
  it('refuses a subnet that overlaps an existing network with exit 2, creating nothing', async () => {
    const docker = new Docker();
    const taken = (await docker.listNetworks()).flatMap((n) =>
      (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? ''),
    );
    const subnet = Array.from({ length: 200 }, (_, i) => `10.250.${i}.0/24`).find(
      (c) => !taken.some((t) => cidrsOverlap(c, t)),
    );
    if (!subnet) throw new Error('no free 10.250.x.0/24 for the throwaway network');
    const name = `${testLabName('it')}-overlap`;
    const network = await docker.createNetwork({
      Name: name,
      Internal: true,
      IPAM: { Config: [{ Subnet: subnet }] },
      Labels: { [LABEL_TEST]: 'bad-input' },
    });
    try {
      const lab = newLab();
      const result = await haLab(['up', '--name', lab, '--nodes-only', '--subnet', subnet], {
        env,
      });
      expect(result.exitCode).toBe(2);
      expectOneLine(
        result,
        new RegExp(
          `subnet .* overlaps ${subnet.replaceAll('.', '\\.')} of ${name}: pass another --subnet`,
        ),
      );
      await expectNothingLeft(lab);
    } finally {
      await network.remove();
    }
  });

  it('says no engine answers with exit 1 when DOCKER_HOST points nowhere', async () => {
    const result = await haLab(['status', '--name', newLab()], {
      env: { ...env, DOCKER_HOST: 'unix:///tmp/none.sock' },
    });
    expect(result.exitCode).toBe(1);
    expectOneLine(result, /no Docker engine answers: run `bash scripts\/ensure-engine\.sh`/);
  });

  it('says the engine socket refuses this user with exit 1 and names the docker group', async () => {
    // An engine whose socket this user may not open: a socket owned by nobody, mode 0600,
    // reached by root without the capability that overrides file permissions.
    const socketDir = await mkdtemp(join(tmpdir(), 'ha-lab-socket-'));
    const socketPath = join(socketDir, 'docker.sock');
    const server = createServer((connection) => connection.destroy());
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      await chmod(socketPath, 0o600);
      await chown(socketPath, 65534, 65534);
      const result = await haLab(['status', '--name', newLab()], {
        env: { ...env, DOCKER_HOST: `unix://${socketPath}` },
        prefix: ['setpriv', '--bounding-set=-dac_override,-dac_read_search'],
      });
      expect(result.exitCode).toBe(1);
      expectOneLine(result, /permission denied on the Docker engine socket .*docker group/);
    } finally {
      server.close();
      await rm(socketDir, { recursive: true, force: true });
    }
  });

  it.each([['status'], ['up', '--nodes-only']])(
    'answers `%s` on a corrupted state file with exit 2 pointing at `ha-lab down`',
    async (...args) => {
      const lab = newLab();
      await mkdir(join(stateRoot, lab), { recursive: true });
      await writeFile(join(stateRoot, lab, 'state.json'), '{"schemaVersion": 1, "lab": garbage');
      const result = await haLab([...args, '--name', lab], { env });
      expect(result.exitCode).toBe(2);
      expectOneLine(
        result,
        new RegExp(
          `the state file .*/${lab}/state\\.json is corrupted: run \`ha-lab down --name ${lab}\``,
        ),
      );
      expect(await leftovers(lab)).toEqual(NOTHING);
      const down = await haLab(['down', '--name', lab], { env });
      expect(down.exitCode, down.stderr).toBe(0);
      await expectNothingLeft(lab);
    },
  );

  it('takes `down` of a lab that does not exist as done: exit 0, nothing on stderr, nothing made', async () => {
    const lab = newLab();
    const result = await haLab(['down', '--name', lab], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    await expectNothingLeft(lab);
    expect(await labs.stateExists(`${lab}.lockdir`)).toBe(false);
  });

  it('says the kubeconfig cannot be written with exit 1 and asks for a writable --merge FILE', async () => {
    const lab = newLab();
    await mkdir(join(stateRoot, lab), { recursive: true });
    await writeFile(
      join(stateRoot, lab, 'kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: kubernetes, cluster: { server: "https://172.30.9.200:6443", certificate-authority-data: Y2E= } }]',
        'users: [{ name: admin, user: { client-certificate-data: Y2VydA==, client-key-data: a2V5 } }]',
        'contexts: [{ name: admin@kubernetes, context: { cluster: kubernetes, user: admin } }]',
        'current-context: admin@kubernetes',
        '',
      ].join('\n'),
    );
    const result = await haLab(['kubeconfig', '--name', lab, '--merge', '/proc/forbidden/config'], {
      env,
      timeoutMs: 30_000,
    });
    expect(result.exitCode, result.stderr).toBe(1);
    expectOneLine(
      result,
      /cannot write \/proc\/forbidden\/config .*choose a writable file with --merge FILE/,
    );
  });

  it('refuses to start with too little free disk: exit 1 "only N GiB free", nothing created', async () => {
    const lab = newLab();
    const result = await haLab(['up', '--name', lab, '--nodes-only'], {
      env: { ...env, HA_LAB_MIN_FREE_DISK_GIB: '1000000' },
    });
    expect(result.exitCode).toBe(1);
    expectOneLine(
      result,
      /only \d+(\.\d)? GiB free under .*; ha-lab needs 1000000 GiB: free some space \(docker system prune\)/,
    );
    await expectNothingLeft(lab);
  });

  it('refuses `up` of a lab that is already up with exit 2 "already up"', async () => {
    const lab = newLab();
    const first = await haLab(['up', '--name', lab, '--nodes-only', '--no-tui'], {
      env,
      timeoutMs: 240_000,
    });
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await haLab(['up', '--name', lab, '--nodes-only', '--no-tui'], { env });
    expect(second.exitCode).toBe(2);
    expectOneLine(
      second,
      new RegExp(`lab "${lab}" is already up: see \`ha-lab status --name ${lab}\``),
    );
    expect((await leftovers(lab)).containers).toBe(6);
  });

  it('lets exactly one of two concurrent `up` run; the other exits 2 saying the lab is locked', async () => {
    const lab = newLab();
    const results = await Promise.all(
      [0, 1].map(() =>
        haLab(['up', '--name', lab, '--nodes-only', '--no-tui'], { env, timeoutMs: 240_000 }),
      ),
    );
    const winner = results.filter((r) => r.exitCode === 0);
    const loser = results.filter((r) => r.exitCode !== 0);
    expect(winner, results.map((r) => r.stderr).join('\n---\n')).toHaveLength(1);
    expect(loser).toHaveLength(1);
    expect(loser[0]!.exitCode).toBe(2);
    expectOneLine(loser[0]!, new RegExp(`another ha-lab command is already changing lab "${lab}"`));
    expect((await leftovers(lab)).containers).toBe(6);
  });
});

describe('a corrupted cache entry', () => {
  it('is detected by its manifest: a changed byte is a sha256 mismatch', async () => {
    const dir = join(workDir, 'cache', 'bin', 'demo', 'v1-abc');
    await buildEntry(
      dir,
      { component: 'demo', version: 'v1', inputsHash: 'abc', source: 'go-build' },
      async (scratch) => {
        await writeFile(join(scratch, 'demo'), 'a real binary would be here');
      },
    );
    expect((await checkEntry(dir)).ok).toBe(true);
    await writeFile(join(dir, 'demo'), 'a truncated binary');
    expect(await checkEntry(dir)).toEqual({ ok: false, reason: 'sha256 mismatch on demo' });
  });

  it('is reported as "corrupted ... rebuilding" and rebuilt rather than used', async () => {
    // The entry ensurePauseBinary looks for, made with the same inputs it hashes.
    const cacheRoot = join(workDir, 'pause-cache');
    const moduleDir = join(ROOT, 'go', 'pause');
    const version = '3.10.2';
    const inputs = [
      await readFile(join(moduleDir, 'main.go'), 'utf8'),
      await readFile(join(moduleDir, 'go.mod'), 'utf8'),
    ];
    const inputsHash = hashInputs(['pause', version, await goVersion(), ...inputs]);
    const dir = entryDir(cacheRoot, 'bin', 'pause', version, inputsHash);
    await buildEntry(
      dir,
      { component: 'pause', version, inputsHash, source: 'go-build' },
      async (scratch) => {
        await writeFile(join(scratch, 'pause'), 'a pause binary');
      },
    );
    await writeFile(join(dir, 'pause'), 'a pause binary, tampered');

    // Stop at the rebuild itself: the point is that the entry is not used, not a Go build.
    const controller = new AbortController();
    const events: LabEvent[] = [];
    const ctx = {
      cacheRoot,
      logDir: join(cacheRoot, 'logs'),
      signal: controller.signal,
      events: (e: LabEvent) => {
        events.push(e);
        if (e.kind === 'phase-progress' && e.message.startsWith('building pause'))
          controller.abort(new Error('stop before the Go build'));
      },
    };
    await mkdir(ctx.logDir, { recursive: true });
    await expect(ensurePauseBinary(version, ctx)).rejects.toThrow('stop before the Go build');
    const warnings = events.flatMap((e) =>
      e.kind === 'log' && e.level === 'warn' ? [e.message] : [],
    );
    expect(warnings).toEqual([
      `cache entry pause ${version} is corrupted (sha256 mismatch on pause): rebuilding`,
    ]);
    expect(
      events.some(
        (e) => e.kind === 'phase-progress' && e.message.startsWith(`building pause ${version}`),
      ),
    ).toBe(true);
  });
});
