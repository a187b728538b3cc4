// Figures read from a running lab through the engine: memory and disk per node, percentiles.
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';

const docker = new Docker();
const MiB = 1024 * 1024;

export async function memoryByNode(name) {
  const containers = await docker.listContainers({ filters: { label: [`io.ha-lab.lab=${name}`] } });
  const out = {};
  for (const c of containers) {
    const stats = await docker.getContainer(c.Id).stats({ stream: false });
    const m = stats.memory_stats ?? {};
    // What `docker stats` shows: usage less reclaimable file cache, hierarchical on cgroup v1
    // (a node's memory lives in the child cgroups its systemd creates).
    const inactive = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? 0;
    out[c.Labels['io.ha-lab.node']] = Math.round(((m.usage ?? 0) - inactive) / MiB);
  }
  return out;
}

export async function diskMiB(name) {
  const containers = await docker.listContainers({
    all: true,
    size: true,
    filters: { label: [`io.ha-lab.lab=${name}`] },
  });
  const rw = containers.reduce((sum, c) => sum + (c.SizeRw ?? 0), 0);
  const volumes =
    (await docker.listVolumes({ filters: { label: [`io.ha-lab.lab=${name}`] } })).Volumes ?? [];
  let vol = 0;
  for (const v of volumes) {
    try {
      vol += Number(execFileSync('du', ['-sb', v.Mountpoint], { encoding: 'utf8' }).split('\t')[0]);
    } catch {
      // not readable (rootless engine): leave it out
    }
  }
  return Math.round((rw + vol) / MiB);
}

export const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
const pct = (values, p) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : null;
};

export function stats(values) {
  return {
    n: values.length,
    p50: pct(values, 50),
    p95: pct(values, 95),
    max: values.length ? Math.max(...values) : null,
  };
}
