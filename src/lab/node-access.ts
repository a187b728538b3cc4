import { DockerExecRunner } from '../runtime/docker-exec-runner.js';
import type { NodeRunner } from '../runtime/node-runner.js';
import { containerName, type Topology } from '../core/topology.js';

/** One runner per node, over `docker exec`. */
export function nodeRunners(topology: Topology): Record<string, NodeRunner> {
  const runners: Record<string, NodeRunner> = {};
  for (const node of topology.nodes)
    runners[node.name] = new DockerExecRunner(node.name, containerName(topology.lab, node.name));
  return runners;
}
