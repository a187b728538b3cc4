import type Docker from 'dockerode';
import { execa } from 'execa';
import { inspectContainer } from './node-containers.js';

/**
 * The IPv4 addresses on a node's eth0 as its kernel has them, read from the host through the
 * node's network namespace. Unlike `docker exec` this works on a paused node: its processes
 * are frozen, but its kernel state (and the VIP, if it held it) is still there and still
 * answers ARP. Undefined when the node has no running process to enter (or the read failed).
 */
export async function kernelAddresses(
  docker: Docker,
  container: string,
): Promise<string[] | undefined> {
  const info = await inspectContainer(docker, container).catch(() => undefined);
  const pid = info?.State.Pid;
  if (!info?.State.Running || !pid) return undefined;
  const r = await execa(
    'nsenter',
    ['-t', String(pid), '-n', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'],
    { reject: false, timeout: 3000 },
  );
  if (r.exitCode !== 0) return undefined;
  return [...String(r.stdout).matchAll(/ inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]!);
}
