import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HAS_HOSTS_BLOCK,
  HOSTS_FILE,
  REMOVE_HOSTS_BLOCK,
  WRITE_HOSTS_BLOCK,
  renderHostsBlock,
} from '../../../src/provision/host-names.js';

/** The snippets run by sh as on a host, on a scratch file instead of /etc/hosts. */
function onFile(file: string, script: string, input = ''): number {
  const run = spawnSync('sh', ['-c', script.replaceAll(HOSTS_FILE, file)], { input });
  return run.status ?? -1;
}

const HOST_OWN = '127.0.0.1\tlocalhost\n10.0.0.5\tbuild-box\n';

describe('the node names in /etc/hosts', () => {
  it('adds the block after the host’s own lines, replaces it whole, and removes only it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hosts-')), 'hosts');
    writeFileSync(file, HOST_OWN);
    const first = renderHostsBlock([
      { name: 'master-0', ip: '10.1.0.11' },
      { name: 'worker-0', ip: '10.1.0.21' },
    ]);
    expect(onFile(file, WRITE_HOSTS_BLOCK, first)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(`${HOST_OWN}${first}`);
    expect(onFile(file, HAS_HOSTS_BLOCK)).toBe(0);

    const second = renderHostsBlock([{ name: 'master-0', ip: '10.1.0.99' }]);
    expect(onFile(file, WRITE_HOSTS_BLOCK, second)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(`${HOST_OWN}${second}`);

    expect(onFile(file, REMOVE_HOSTS_BLOCK)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(HOST_OWN);
    expect(onFile(file, HAS_HOSTS_BLOCK)).not.toBe(0);
    // Nothing to remove: says so by its status, and leaves the file as it is.
    expect(onFile(file, REMOVE_HOSTS_BLOCK)).not.toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(HOST_OWN);
  });

  it('writes the file in place, as a bind-mounted /etc/hosts needs', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hosts-')), 'hosts');
    writeFileSync(file, HOST_OWN);
    const inode = () => execFileSync('stat', ['-c', '%i', file]).toString().trim();
    const before = inode();
    onFile(file, WRITE_HOSTS_BLOCK, renderHostsBlock([{ name: 'master-0', ip: '10.1.0.11' }]));
    onFile(file, REMOVE_HOSTS_BLOCK);
    expect(inode()).toBe(before);
  });
});
