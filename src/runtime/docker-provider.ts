import type Docker from 'dockerode';
import { dockerClient, engineAddress, pingEngine } from './docker-client.js';
import { DockerExecRunner } from './docker-exec-runner.js';
import { watchContainerEvents } from './engine-events.js';
import { engineInfo, privilegedWorks } from './engine-info.js';
import { streamLines } from './exec-stream.js';
import { ensureForwarder } from './forwarder.js';
import {
  buildImage,
  copyIntoContainer,
  ensureBaseImage,
  imageId,
  imageLabels,
  saveImages,
} from './image-builder.js';
import { kernelAddresses } from './netns-view.js';
import { blockVrrp, healPartition, partition, unblockVrrp } from './network-faults.js';
import { createInternalNetwork, inspectNetwork, listNetworks, removeNetwork } from './networks.js';
import {
  containerAction,
  createNodeContainer,
  inspectContainer,
  listContainers,
  listVolumes,
  removeContainer,
  removeVolume,
} from './node-containers.js';
import type { NodeRunner } from './node-runner.js';
import type { ImageStore, MachineInfo, Provider, SeedStore, SnapshotStore } from './provider.js';
import { internalNetworkHasDefaultRoute } from './route-probe.js';
import { dockerSeedStore } from './seed-store.js';
import { dockerSnapshotStore } from './snapshot-store.js';

/**
 * Machines are systemd containers on one Docker engine (DOCKER_HOST or the default socket),
 * reached with dockerode; one client per provider, so one per command.
 */
export class DockerProvider implements Provider {
  readonly kind = 'docker';
  readonly address = engineAddress();
  readonly images: ImageStore;
  readonly snapshots: SnapshotStore;
  readonly seeds: SeedStore;

  constructor(private readonly docker: Docker = dockerClient()) {
    this.snapshots = dockerSnapshotStore(docker);
    this.seeds = dockerSeedStore(docker);
    this.images = {
      labels: (tag) => imageLabels(docker, tag),
      id: (tag) => imageId(docker, tag),
      build: buildImage,
      save: saveImages,
      ensureBase: ensureBaseImage,
    };
  }

  ping(timeoutMs?: number) {
    return pingEngine(this.docker, timeoutMs);
  }

  createMachine: Provider['createMachine'] = (spec) => createNodeContainer(this.docker, spec);
  listMachines: Provider['listMachines'] = (labels) => listContainers(this.docker, labels);
  removeMachine: Provider['removeMachine'] = (name) => removeContainer(this.docker, name);
  power: Provider['power'] = (name, action, stopTimeoutS) =>
    containerAction(this.docker, name, action, stopTimeoutS);

  async inspectMachine(name: string): Promise<MachineInfo | undefined> {
    const info = await inspectContainer(this.docker, name);
    if (!info) return undefined;
    return {
      running: Boolean(info.State.Running),
      paused: Boolean(info.State.Paused),
      pid: info.State.Pid || undefined,
      details: info,
    };
  }

  runner(node: string, machine: string): NodeRunner {
    return new DockerExecRunner(this.docker, node, machine);
  }
  streamLines: Provider['streamLines'] = (machine, command, onLine) =>
    streamLines(this.docker, machine, command, onLine);
  copyIn: Provider['copyIn'] = copyIntoContainer;
  kernelAddresses: Provider['kernelAddresses'] = (machine) => kernelAddresses(this.docker, machine);

  listNetworks: Provider['listNetworks'] = () => listNetworks(this.docker);
  createInternalNetwork: Provider['createInternalNetwork'] = (spec) =>
    createInternalNetwork(this.docker, spec);
  inspectNetwork: Provider['inspectNetwork'] = (name) => inspectNetwork(this.docker, name);
  removeNetwork: Provider['removeNetwork'] = (name) => removeNetwork(this.docker, name);
  listVolumes: Provider['listVolumes'] = (labels) => listVolumes(this.docker, labels);
  removeVolume: Provider['removeVolume'] = (name) => removeVolume(this.docker, name);

  partition = partition;
  healPartition = healPartition;
  blockVrrp = blockVrrp;
  unblockVrrp = unblockVrrp;

  watchEvents: Provider['watchEvents'] = (labels, onEvent) =>
    watchContainerEvents(this.docker, labels, onEvent);

  engineInfo: Provider['engineInfo'] = () => engineInfo(this.docker);
  privilegedWorks: Provider['privilegedWorks'] = (image, labels) =>
    privilegedWorks(this.docker, image, labels);
  internalNetworkHasDefaultRoute: Provider['internalNetworkHasDefaultRoute'] = (
    image,
    labels,
    subnet,
  ) => internalNetworkHasDefaultRoute(this.docker, image, labels, subnet);
  ensureForwarder: Provider['ensureForwarder'] = (spec) => ensureForwarder(this.docker, spec);
}
