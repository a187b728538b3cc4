import { z } from 'zod';

/** `ha-lab status --json`: stable (schemaVersion 1), published as schemas/status.schema.json. */
export const statusSchema = z.object({
  schemaVersion: z.literal(1),
  lab: z.string(),
  exists: z.boolean(),
  phase: z.string().nullable(),
  kubernetesVersion: z.string().nullable(),
  subnet: z.string().nullable(),
  vip: z.string().nullable(),
  kubeconfig: z.string().nullable(),
  nodes: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['master', 'worker']),
      ip: z.string(),
      container: z.string(),
      /** An inventory lab's host (its name in the inventory); null on a Docker lab. */
      host: z.string().nullable().optional(),
      systemd: z.string(),
      ready: z.string().nullable(),
      /** How long ago the kubelet last renewed its lease: Ready is only fresh while this is small. */
      leaseAgeMs: z.number().nullable(),
    }),
  ),
  vipHolders: z.array(z.string()),
  /** Masters whose VIP view could not be read (paused, unreachable): never counted as "not a holder". */
  vipUnknown: z.array(z.string()),
  splitBrain: z.boolean(),
  etcd: z.object({
    leader: z.string().nullable(),
    members: z.array(
      z.object({
        name: z.string(),
        healthy: z.boolean(),
        isLeader: z.boolean(),
        raftTerm: z.number().nullable(),
        raftIndex: z.number().nullable(),
        dbSizeBytes: z.number().nullable(),
      }),
    ),
  }),
  api: z.array(
    z.object({
      target: z.string(),
      ok: z.boolean(),
      detail: z.string(),
      latencyMs: z.number().nullable(),
    }),
  ),
  healthy: z.boolean(),
  /** What keeps the lab from being whole (the same definition scenarios use), empty when healthy. */
  problems: z.array(z.string()),
});
export type LabStatus = z.infer<typeof statusSchema>;

export function statusJsonSchema(): unknown {
  return z.toJSONSchema(statusSchema, { target: 'draft-2020-12' });
}
