import { UsageError } from '../core/errors.js';
import type { NodeRunner } from '../runtime/node-runner.js';
import type { Provider } from '../runtime/provider.js';
import { containerName, type Topology } from '../core/topology.js';

/** One runner per node, through the lab's provider. */
export function nodeRunners(topology: Topology, provider: Provider): Record<string, NodeRunner> {
  const runners: Record<string, NodeRunner> = {};
  for (const node of topology.nodes)
    runners[node.name] = provider.runner(node.name, containerName(topology.lab, node.name));
  return runners;
}

/** The runner of one node by name; a name the lab does not have is the caller's mistake. */
export function runnerFor(runners: Record<string, NodeRunner>, node: string): NodeRunner {
  const runner = runners[node];
  if (!runner) throw new UsageError('unknown-node', `unknown node "${node}"`);
  return runner;
}
