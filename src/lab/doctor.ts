import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cgroupMode, freeDiskBytes } from '../runtime/host-facts.js';
import type { Provider } from '../runtime/provider.js';
import { BASE_IMAGE } from './artifacts/ensure-artifacts.js';
import { availableMemoryBytes } from './preflight.js';
import { pickFreeSubnet } from './subnets.js';
import { LABEL_MANAGED } from '../core/topology.js';
import { ETCD_VERSION, needsCgroupV1Override, resolveKubernetesVersion } from './versions.js';

export interface DoctorReport {
  engine: {
    version: string;
    apiVersion: string;
    storageDriver: string;
    liveRestore: boolean;
    rootless: boolean;
  };
  cgroupMode: string;
  privilege: 'privileged' | 'capabilities' | 'unknown';
  privilegeDetail: string;
  internalDefaultRoute: boolean | null;
  freeDiskGiB: number;
  availableMemoryGiB: number;
  kubernetesVersion: string;
  cgroupV1Override: boolean;
  willBuild: string[];
  lines: string[];
}

const GiB = 1024 ** 3;

async function cached(root: string, component: string, version: string): Promise<boolean> {
  const entries = await readdir(join(root, 'bin', component)).catch(() => [] as string[]);
  return entries.some(
    (e) => (version === '' || e.startsWith(`${version}-`)) && !e.includes('.partial-'),
  );
}

export async function doctorReport(
  provider: Provider,
  cacheRoot: string,
  requestedVersion?: string,
): Promise<DoctorReport> {
  const version = resolveKubernetesVersion(requestedVersion);
  await provider.ping();
  const info = await provider.engineInfo();
  const mode = cgroupMode(info);
  const baseImage = await provider.images.id(BASE_IMAGE);
  const privilege = baseImage ? await provider.privilegedWorks(BASE_IMAGE) : undefined;
  let route: boolean | null = null;
  if (baseImage) {
    const subnet = pickFreeSubnet((await provider.listNetworks()).flatMap((n) => n.subnets));
    route = await provider.internalNetworkHasDefaultRoute(
      BASE_IMAGE,
      { [LABEL_MANAGED]: 'true', 'io.ha-lab.probe': 'route' },
      subnet,
    );
  }
  const willBuild: string[] = [];
  if (!baseImage) willBuild.push(`Debian base image ${BASE_IMAGE} (debootstrap, ~1 min)`);
  if (!(await cached(cacheRoot, 'kubernetes', version.version)))
    willBuild.push(`Kubernetes ${version.version} from Go modules (~10-40 min cold)`);
  if (!(await cached(cacheRoot, 'etcd', ETCD_VERSION)))
    willBuild.push(`etcd ${ETCD_VERSION} (~2-5 min cold)`);
  if (!(await cached(cacheRoot, 'coredns', '')))
    willBuild.push('CoreDNS (lean build, ~2 min cold)');
  const disk = await freeDiskBytes(info.dockerRootDir);
  const memory = await availableMemoryBytes();
  const privilegeName = privilege ? (privilege.works ? 'privileged' : 'capabilities') : 'unknown';
  const override = needsCgroupV1Override(version, mode !== 'v2');
  const lines = [
    `engine         Docker ${info.version} (API ${info.apiVersion}), storage ${info.storageDriver}, live-restore ${info.liveRestore ? 'on' : 'off'}${info.rootless ? ', ROOTLESS: ha-lab needs a rootful engine' : ''}`,
    `cgroups        ${mode}${override ? ` (Kubernetes ${version.version} needs failCgroupV1: false here; ha-lab sets it)` : ''}`,
    `privileges     ${privilegeName === 'privileged' ? '--privileged works' : privilegeName === 'capabilities' ? `--privileged refused (${privilege?.detail}); the explicit capability set is used` : 'unknown until the base image exists'}`,
    `internal net   ${route === null ? 'not checked yet' : route ? 'containers get a default route (addresses are set explicitly anyway)' : 'no default route (addresses are set explicitly)'}`,
    `disk           ${(disk / GiB).toFixed(1)} GiB free under ${info.dockerRootDir}`,
    `memory         ${(memory / GiB).toFixed(1)} GiB available (a lab needs ~4 GiB)`,
    `kubernetes     ${version.version}, etcd ${ETCD_VERSION}`,
    `will build     ${willBuild.length === 0 ? 'nothing (cache is warm)' : willBuild.join('; ')}`,
  ];
  return {
    engine: {
      version: info.version,
      apiVersion: info.apiVersion,
      storageDriver: info.storageDriver,
      liveRestore: info.liveRestore,
      rootless: info.rootless,
    },
    cgroupMode: mode,
    privilege: privilegeName,
    privilegeDetail: privilege?.detail ?? '',
    internalDefaultRoute: route,
    freeDiskGiB: Number((disk / GiB).toFixed(1)),
    availableMemoryGiB: Number((memory / GiB).toFixed(1)),
    kubernetesVersion: version.version,
    cgroupV1Override: override,
    willBuild,
    lines,
  };
}
