import { expect } from 'vitest';
import { UsageError } from '../../../../src/core/errors.js';
import { parseInventory } from '../../../../src/lab/inventory/index.js';

export const FILE = 'lab.yaml';

/**
 * A valid inventory, one field per line so a test can name the line a problem is on:
 * vip on lines 1-4, hosts from line 5; host i starts on line 6 + 5i
 * (name, address, user, identityFile, role).
 */
export function inventory(
  overrides: { vip?: string; hosts?: string[]; extra?: string } = {},
): string {
  const hosts = overrides.hosts ?? [
    host('m0', '10.0.0.11', 'master'),
    host('m1', '10.0.0.12', 'master'),
    host('m2', '10.0.0.13', 'master'),
    host('w0', '10.0.0.21', 'worker'),
    host('w1', '10.0.0.22', 'worker'),
  ];
  return [
    'vip:',
    `  address: ${overrides.vip ?? '10.0.0.200'}`,
    '  interface: eth0',
    '  prefix: 24',
    'hosts:',
    ...hosts,
    ...(overrides.extra ? [overrides.extra] : []),
  ].join('\n');
}

export function host(name: string, address: string, role: string, more: string[] = []): string {
  return [
    `  - name: ${name}`,
    `    address: ${address}`,
    '    user: debian',
    '    identityFile: ./id_ed25519',
    `    role: ${role}`,
    ...more.map((line) => `    ${line}`),
  ].join('\n');
}

/** The message parseInventory throws (a line per problem), or a failure if it accepts the text. */
export function problems(text: string): string {
  try {
    parseInventory(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('invalid-inventory');
    expect((error as UsageError).exitCode).toBe(2);
    for (const line of (error as Error).message.split('\n'))
      expect(line).toMatch(/^lab\.yaml:\d+: \S/);
    return (error as Error).message;
  }
  throw new Error('expected the inventory to be rejected');
}
