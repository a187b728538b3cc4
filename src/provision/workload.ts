import { stringify } from 'yaml';
import { UsageError } from '../core/errors.js';

/**
 * The workload that must keep answering while a scenario disturbs the lab: the probe app as a
 * Deployment spread over the workers, a PodDisruptionBudget so a drain never takes every
 * replica at once, and a NodePort Service the host probes through each worker.
 */

export const WORKLOAD_NAMESPACE = 'ha-lab-workload';
export const WORKLOAD_NAME = 'probe-app';
export const WORKLOAD_APP_LABEL = { app: WORKLOAD_NAME } as const;
export const WORKLOAD_CONTAINER_PORT = 8080;
export const WORKLOAD_NODE_PORT = 30080;
export const WORKLOAD_DEFAULT_REPLICAS = 2;
/** One replica alone is not "highly available": a drain of its node would take it away. */
export const WORKLOAD_MIN_REPLICAS = 2;
/** Kubernetes' default NodePort range (kube-apiserver --service-node-port-range). */
const NODE_PORT_RANGE = [30000, 32767] as const;
/** Long enough for every kube-proxy to drop a terminating pod before it stops answering. */
export const WORKLOAD_PRESTOP_SLEEP_SECONDS = 5;
const TERMINATION_GRACE_SECONDS = 15;

export interface WorkloadInput {
  /** A lab image already in the workers' containerd (nothing is ever pulled). */
  image: string;
  replicas?: number;
  nodePort?: number;
  namespace?: string;
}

/** The manifests as plain objects, in the order they must be applied. */
export function workloadObjects(input: WorkloadInput): Record<string, unknown>[] {
  const replicas = input.replicas ?? WORKLOAD_DEFAULT_REPLICAS;
  const nodePort = input.nodePort ?? WORKLOAD_NODE_PORT;
  const namespace = input.namespace ?? WORKLOAD_NAMESPACE;
  if (!Number.isInteger(replicas) || replicas < WORKLOAD_MIN_REPLICAS)
    throw new UsageError(
      'invalid-workload',
      `the workload needs at least ${WORKLOAD_MIN_REPLICAS} replicas (got ${replicas}): one replica has nowhere to go when its node is drained`,
    );
  if (!Number.isInteger(nodePort) || nodePort < NODE_PORT_RANGE[0] || nodePort > NODE_PORT_RANGE[1])
    throw new UsageError(
      'invalid-workload',
      `the workload's nodePort must be in ${NODE_PORT_RANGE.join('-')} (got ${nodePort})`,
    );
  const labels = { ...WORKLOAD_APP_LABEL, 'app.kubernetes.io/managed-by': 'ha-lab' };
  const metadata = { name: WORKLOAD_NAME, namespace, labels };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas,
        selector: { matchLabels: WORKLOAD_APP_LABEL },
        template: { metadata: { labels }, spec: podSpec(input.image) },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      spec: { minAvailable: 1, selector: { matchLabels: WORKLOAD_APP_LABEL } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'NodePort',
        // Any worker forwards to a ready pod anywhere: a worker whose own pod is drained
        // still answers, which is what "the workload keeps answering" means to a client.
        externalTrafficPolicy: 'Cluster',
        selector: WORKLOAD_APP_LABEL,
        ports: [{ name: 'http', port: 80, targetPort: WORKLOAD_CONTAINER_PORT, nodePort }],
      },
    },
  ];
}

function podSpec(image: string): Record<string, unknown> {
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' },
              ],
            },
          ],
        },
      },
      // Required, not preferred: two replicas on one worker would both go with its drain.
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: WORKLOAD_APP_LABEL },
            topologyKey: 'kubernetes.io/hostname',
          },
        ],
      },
    },
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    containers: [
      {
        name: WORKLOAD_NAME,
        image,
        imagePullPolicy: 'Never',
        ports: [{ name: 'http', containerPort: WORKLOAD_CONTAINER_PORT }],
        readinessProbe: {
          httpGet: { path: '/', port: WORKLOAD_CONTAINER_PORT },
          periodSeconds: 1,
          failureThreshold: 2,
        },
        // The image has no shell, so the native sleep action (GA in 1.34): the pod keeps
        // answering while the Service's endpoints drop it, then gets SIGTERM.
        lifecycle: { preStop: { sleep: { seconds: WORKLOAD_PRESTOP_SLEEP_SECONDS } } },
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '64Mi' } },
        securityContext: {
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        },
      },
    ],
  };
}

/** The manifests as one multi-document YAML, for `kubectl apply -f -`. */
export function renderWorkloadManifests(input: WorkloadInput): string {
  return workloadObjects(input)
    .map((doc) => stringify(doc))
    .join('---\n');
}
