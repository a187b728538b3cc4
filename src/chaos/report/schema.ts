import * as z from 'zod';
import type { History } from '../history.js';
import { scenarioModel } from '../scenario/model.js';

/**
 * report.json, version 1. Consumers (CI dashboards, --repeat aggregation, later tooling)
 * read it through schemas/report.schema.json, generated from this. Add fields freely;
 * renaming or removing one means schemaVersion 2.
 */

const at = z.number().describe('ms since the epoch');

const vipSample = z.object({
  type: z.literal('vip'),
  at,
  holders: z.array(z.string()),
  unknown: z.array(z.string()),
  frozen: z.array(z.string()).optional(),
});

const apiSample = z.object({
  type: z.literal('api'),
  at,
  target: z.string(),
  ok: z.boolean(),
  latencyMs: z.number(),
  detail: z.string(),
});

const etcdSample = z.object({
  type: z.literal('etcd'),
  at,
  members: z.array(
    z.object({
      member: z.string(),
      healthy: z.boolean(),
      leader: z.string().optional(),
      raftTerm: z.number().optional(),
      raftIndex: z.number().optional(),
      dbSizeBytes: z.number().optional(),
      linearizable: z.boolean().optional(),
    }),
  ),
});

const nodesSample = z.object({
  type: z.literal('nodes'),
  at,
  ready: z.record(z.string(), z.string()),
  leases: z.record(z.string(), at.nullable()).optional(),
});

const workloadSample = z.object({
  type: z.literal('workload'),
  at,
  worker: z.string(),
  ok: z.boolean(),
  latencyMs: z.number(),
  detail: z.string(),
});

const writeSample = z.object({
  type: z.literal('write'),
  at,
  key: z.string(),
  outcome: z.enum(['ok', 'failed', 'unknown']),
  latencyMs: z.number(),
  writer: z.number().optional(),
  value: z.string().optional(),
});

const readSample = z.object({
  type: z.literal('read'),
  at,
  latencyMs: z.number(),
  ok: z.boolean(),
  resourceVersion: z.number().nullable(),
});

const faultRecord = z.object({
  type: z.literal('fault'),
  at,
  id: z.string(),
  fault: z.string(),
  target: z.string(),
  service: z.string().optional(),
  phase: z.enum(['applied', 'undone', 'undo-failed']),
  issuedAt: at.optional(),
  message: z.string().optional(),
  method: z.enum(['power-command', 'service-signals']).optional(),
});

const opRecord = z.object({
  type: z.literal('op'),
  at,
  id: z.string(),
  op: z.string(),
  target: z.string(),
  phase: z.enum(['started', 'step', 'done', 'failed']),
  step: z.string().optional(),
  node: z.string().optional(),
  startedAt: at.optional(),
  durationMs: z.number().optional(),
  restarts: z.array(z.string()).optional(),
  message: z.string().optional(),
  values: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
});

const tlsSample = z.object({
  type: z.literal('tls'),
  at,
  node: z.string(),
  port: z.number(),
  notAfter: at.nullable(),
  serial: z.string().nullable(),
  error: z.string().optional(),
});

/** A component's version as its running process reported it, after an upgrade. */
const versionSample = z.object({
  type: z.literal('version'),
  at,
  node: z.string(),
  component: z.string(),
  version: z.string().nullable(),
  startedAt: at.nullable(),
  error: z.string().optional(),
});

const processFact = z.object({
  name: z.string(),
  running: z.boolean(),
  startedAt: at.nullable(),
});

/** Everything "whole" was judged on, read afresh at `at` (src/lab/evidence). */
const evidenceSample = z.object({
  type: z.literal('evidence'),
  at,
  nodes: z.array(
    z.object({
      node: z.string(),
      reachable: z.boolean(),
      error: z.string().optional(),
      services: z.array(processFact),
      staticPods: z.array(processFact),
      vrrp: z.object({ state: z.string().nullable(), writtenAt: at.nullable() }).optional(),
      vip: z.enum(['holds', 'free', 'unknown']).optional(),
    }),
  ),
  leases: z.record(z.string(), at.nullable()).describe('kubelet lease renewTime per node'),
  readyz: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string() })),
  etcd: z.array(
    z.object({
      member: z.string(),
      answered: z.boolean(),
      leader: z.string().nullable(),
      raftTerm: z.number().nullable(),
      appliedIndex: z.number().nullable(),
      revision: z.number().nullable(),
    }),
  ),
  hashKv: z
    .object({ revision: z.number(), hashes: z.record(z.string(), z.number().nullable()) })
    .nullable(),
});

const noteRecord = z.object({ type: z.literal('note'), at, message: z.string() });

export const historySchema = z.object({
  startedAt: at,
  endedAt: at,
  entries: z.array(
    z.discriminatedUnion('type', [
      vipSample,
      apiSample,
      etcdSample,
      nodesSample,
      writeSample,
      readSample,
      evidenceSample,
      faultRecord,
      opRecord,
      tlsSample,
      versionSample,
      workloadSample,
      noteRecord,
    ]),
  ),
  finalReadback: z
    .object({
      present: z.array(z.string()),
      absent: z.array(z.string()),
      values: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  finalWriteOk: z.boolean().optional(),
  hashKv: z.record(z.string(), z.number().nullable()).optional(),
  expectedVipHolder: z.string().optional(),
  probeCpu: z
    .object({ cpuMs: z.number(), wallMs: z.number(), percentOfCore: z.number() })
    .optional()
    .describe("CPU the runner's process used while probing"),
});

export const verdictSchema = z.object({
  check: z.string(),
  passed: z.boolean(),
  summary: z.string(),
  figures: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  decidedAt: at.optional().describe('the moment the verdict rests on (report.html links to it)'),
});

export const REPORT_SCHEMA_VERSION = 1;

export const reportSchema = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    labName: z.string(),
    scenario: scenarioModel,
    /** True only when the run finished, no error occurred and every check passed. */
    passed: z.boolean(),
    interrupted: z.boolean(),
    error: z.string().optional(),
    startedAt: at,
    endedAt: at,
    durationMs: z.number(),
    verdicts: z.array(verdictSchema),
    history: historySchema,
  })
  .meta({
    title: 'ha-lab chaos report',
    description: 'One chaos scenario run: verdicts and the full history.',
  });

/** The history keeps its hand-written type (history.ts); the schema test proves they agree. */
export type Report = Omit<z.infer<typeof reportSchema>, 'history'> & { history: History };
