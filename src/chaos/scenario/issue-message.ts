import type * as z from 'zod';
import { STEP_KINDS } from './names.js';

export interface Problem {
  path: PropertyKey[];
  message: string;
}

/**
 * Turns one zod issue into the problem a person should fix. Zod reports a bad step as
 * "no branch of the union matched" with every branch's complaints; the step's own key
 * (settle, fault, ...) says which branch the author meant, so only that one is shown.
 */
export function explainIssue(issue: z.core.$ZodIssue, input: unknown): Problem {
  const path = [...issue.path];
  const mixed = mixedStep(input, path);
  if (mixed) return mixed;
  const value = valueAt(input, path);
  // Only a step is a union of shapes told apart by their key; any other union says itself.
  const isStep = path.length === 2 && path[0] === 'steps';
  if (issue.code === 'invalid_union' && !isStep) return { path, message: issue.message };
  if (issue.code === 'invalid_union') {
    const kinds = isRecord(value) ? STEP_KINDS.filter((k) => k in value) : [];
    const branch = kinds.length === 1 ? issue.errors[STEP_KINDS.indexOf(kinds[0]!)] : undefined;
    const first = branch?.[0];
    if (first) {
      return explainIssue({ ...first, path: [...path, ...first.path] } as z.core.$ZodIssue, input);
    }
    if (!isRecord(value)) {
      return { path, message: `expected a step such as "settle: 5s" or "fault: kill"` };
    }
    return { path, message: `a step needs one of ${STEP_KINDS.join(', ')}` };
  }
  if (issue.code === 'unrecognized_keys') {
    return { path: [...path, issue.keys[0] ?? ''], message: issue.message };
  }
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    return { path, message: 'is required' };
  }
  return { path, message: issue.message };
}

/** A step with two kinds (`settle` and `fault` in one item) is a forgotten dash, whatever zod says. */
function mixedStep(input: unknown, path: readonly PropertyKey[]): Problem | undefined {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined;
  const step = valueAt(input, path.slice(0, 2));
  if (!isRecord(step)) return undefined;
  const kinds = STEP_KINDS.filter((k) => k in step);
  if (kinds.length < 2) return undefined;
  return {
    path: path.slice(0, 2),
    message: `a step takes only one of ${STEP_KINDS.join(', ')} (found ${kinds.join(' and ')}: is a "-" missing?)`,
  };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const segment of path) {
    if (!isRecord(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
