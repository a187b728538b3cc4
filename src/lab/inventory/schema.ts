import * as z from 'zod';
import { strict } from '../../core/strict-object.js';

/**
 * The inventory file as written (YAML, camelCase keys): the user's own hosts for
 * `up --inventory`. Only the shape is checked here, so the committed JSON Schema says the
 * same thing; what needs the whole file (three masters, unique addresses, the VIP's subnet)
 * is in checks.ts. Every message ends up after "file:line: field:" on one line.
 */

export const DEFAULT_SSH_PORT = 22;

/** A Kubernetes node name that is also a valid hostname label (RFC 1123). */
export const HOST_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const ipv4 = z.ipv4({ error: 'expected an IPv4 address such as 192.168.10.11' });

const address = z
  .union([ipv4, z.hostname()], {
    error: 'expected an IPv4 address or a host name such as 192.168.10.11 or m0.lab.example',
  })
  // "10.0.0.300" is a syntactically valid host name, but nobody means it as one.
  .refine((text) => !/^[\d.]+$/.test(text) || ipv4.safeParse(text).success, {
    error: 'expected an IPv4 address such as 192.168.10.11',
  });

const filePath = z.string({ error: 'expected a file path' }).min(1, { error: 'is empty' });

/** argv run on the operator's machine: no shell, so nothing in it is ever interpreted. */
const powerCommand = z
  .array(z.string({ error: 'expected a string' }).min(1, { error: 'is empty' }), {
    error: 'expected a command as a list of words, such as ["virsh", "destroy", "m0"]',
  })
  .min(1, { error: 'expected at least the program to run' })
  .meta({
    description: 'argv run on the operator machine (no shell), e.g. ["virsh", "start", "m0"]',
  });

export const hostInputSchema = strict({
  name: z.string({ error: 'expected a name' }).regex(HOST_NAME_PATTERN, {
    error: 'use 1-63 lowercase letters, digits and dashes (a node name such as m0 or node-1)',
  }),
  address: address.meta({ description: 'where SSH reaches the host' }),
  port: z
    .number({ error: 'expected a port number' })
    .int({ error: 'expected a whole port number' })
    .min(1, { error: 'must be between 1 and 65535' })
    .max(65535, { error: 'must be between 1 and 65535' })
    .default(DEFAULT_SSH_PORT),
  user: z
    .string({ error: 'expected a user name' })
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/, { error: 'expected a login name such as debian' }),
  identityFile: filePath
    .meta({ description: 'private key file (0600); relative paths start at the inventory file' })
    .optional(),
  agent: z
    .boolean({ error: 'expected true or false' })
    .meta({ description: 'authenticate with the ssh-agent at SSH_AUTH_SOCK' })
    .optional(),
  role: z.enum(['master', 'worker'], {
    error: (issue) => `unknown role ${JSON.stringify(issue.input)} (use master or worker)`,
  }),
  internalAddress: ipv4
    .meta({ description: 'the address the cluster uses on this host (default: address)' })
    .optional(),
  powerOff: powerCommand.optional(),
  powerOn: powerCommand.optional(),
}).superRefine((host, ctx) => {
  const hasKey = host.identityFile !== undefined;
  const hasAgent = host.agent === true;
  if (hasKey === hasAgent) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: hasKey
        ? 'give either identityFile or agent: true, not both'
        : 'give identityFile (a private key file) or agent: true (the key in ssh-agent)',
    });
  }
  if ((host.powerOff === undefined) !== (host.powerOn === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [host.powerOff === undefined ? 'powerOff' : 'powerOn'],
      message:
        'give powerOff and powerOn together: a fault that powers a host off must power it on again',
    });
  }
});

export const inventoryInputSchema = strict({
  vip: strict({
    address: ipv4,
    interface: z
      .string({ error: 'expected a network interface name such as eth0' })
      .regex(/^[A-Za-z0-9_.:-]{1,15}$/, {
        error: 'expected a network interface name such as eth0',
      }),
    prefix: z
      .number({ error: 'expected a prefix length such as 24' })
      .int({ error: 'expected a whole prefix length such as 24' })
      .min(1, { error: 'must be between 1 and 32' })
      .max(32, { error: 'must be between 1 and 32' }),
  }),
  hosts: z.array(hostInputSchema, { error: 'expected a list of hosts' }),
  knownHosts: filePath
    .meta({ description: 'OpenSSH known_hosts file (default ~/.ssh/known_hosts)' })
    .optional(),
});

export type InventoryInput = z.output<typeof inventoryInputSchema>;

export function inventoryJsonSchema(): object {
  return {
    ...z.toJSONSchema(inventoryInputSchema, { io: 'input' }),
    title: 'ha-lab inventory',
    description:
      'The hosts of `ha-lab up --inventory FILE`: three masters and one to three workers reached over SSH, and the virtual IP they share.',
  };
}
