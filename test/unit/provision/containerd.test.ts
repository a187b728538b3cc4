import { describe, expect, it } from 'vitest';
import { renderContainerdConfig } from '../../../src/provision/containerd.js';

/** Just enough TOML for this file: [table] headers and `key = string | bool | int` lines. */
function readToml(text: string): Map<string, Map<string, string | boolean | number>> {
  const tables = new Map<string, Map<string, string | boolean | number>>();
  let current = new Map<string, string | boolean | number>();
  tables.set('', current);
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      expect(tables.has(header[1]), `table ${header[1]} defined once`).toBe(false);
      current = new Map();
      tables.set(header[1], current);
      continue;
    }
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line);
    if (!kv?.[1] || kv[2] === undefined) throw new Error(`unexpected TOML line: ${line}`);
    current.set(kv[1], JSON.parse(kv[2]) as string | boolean | number);
  }
  return tables;
}

const CRI = 'plugins."io.containerd.grpc.v1.cri"';

describe('renderContainerdConfig', () => {
  const toml = readToml(renderContainerdConfig({ pauseImage: 'registry.k8s.io/pause:3.10.1' }));

  it('uses config schema version 2 (containerd 1.6)', () => {
    expect(toml.get('')?.get('version')).toBe(2);
  });

  it('uses exactly the given pause image for pod sandboxes', () => {
    expect(toml.get(CRI)?.get('sandbox_image')).toBe('registry.k8s.io/pause:3.10.1');
  });

  it('does not raise oom_score_adj (the node lacks CAP_SYS_RESOURCE)', () => {
    expect(toml.get(CRI)?.get('restrict_oom_score_adj')).toBe(true);
  });

  it('runs containers with runc v2 under systemd cgroups on overlayfs', () => {
    expect(toml.get(`${CRI}.containerd`)?.get('snapshotter')).toBe('overlayfs');
    expect(toml.get(`${CRI}.containerd`)?.get('default_runtime_name')).toBe('runc');
    expect(toml.get(`${CRI}.containerd.runtimes.runc`)?.get('runtime_type')).toBe(
      'io.containerd.runc.v2',
    );
    expect(toml.get(`${CRI}.containerd.runtimes.runc.options`)?.get('SystemdCgroup')).toBe(true);
  });

  it("finds Debian's CNI plugins and the lab's CNI config", () => {
    expect(toml.get(`${CRI}.cni`)?.get('bin_dir')).toBe('/usr/lib/cni');
    expect(toml.get(`${CRI}.cni`)?.get('conf_dir')).toBe('/etc/cni/net.d');
  });

  it('escapes the image name as a TOML string', () => {
    const odd = readToml(renderContainerdConfig({ pauseImage: 'a"b\\c' }));
    expect(odd.get(CRI)?.get('sandbox_image')).toBe('a"b\\c');
  });
});
