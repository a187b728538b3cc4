import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../../../src/lab/inventory/index.js';
import { FILE, host, inventory, problems } from './fixture.js';

describe('parseInventory: a valid file', () => {
  it('fills in defaults and resolves key paths against the file’s directory', () => {
    const parsed = parseInventory(inventory(), '/srv/labs/lab.yaml');
    expect(parsed.vip).toEqual({ address: '10.0.0.200', interface: 'eth0', prefix: 24 });
    expect(parsed.hosts.map((h) => [h.name, h.role, h.port, h.nodeIp])).toEqual([
      ['m0', 'master', 22, '10.0.0.11'],
      ['m1', 'master', 22, '10.0.0.12'],
      ['m2', 'master', 22, '10.0.0.13'],
      ['w0', 'worker', 22, '10.0.0.21'],
      ['w1', 'worker', 22, '10.0.0.22'],
    ]);
    expect(parsed.hosts[0]).toMatchObject({ identityFile: '/srv/labs/id_ed25519', agent: false });
    expect(parsed.knownHosts).toBeUndefined();
  });

  it('expands ~ in paths, takes agent auth, internal addresses and power commands', () => {
    const text = inventory({
      hosts: [
        host('m0', 'm0.lab.example', 'master', [
          'internalAddress: 10.0.0.11',
          'port: 2201',
          'powerOff: [virsh, destroy, m0]',
          'powerOn: [virsh, start, m0]',
        ]).replace('./id_ed25519', '~/.ssh/lab'),
        host('m1', '10.0.0.12', 'master'),
        host('m2', '10.0.0.13', 'master'),
        host('w0', '10.0.0.21', 'worker').replace('identityFile: ./id_ed25519', 'agent: true'),
      ],
      extra: 'knownHosts: ~/.ssh/lab_known_hosts',
    });
    const parsed = parseInventory(text, FILE, { baseDir: '/x' });
    expect(parsed.hosts[0]).toMatchObject({
      address: 'm0.lab.example',
      port: 2201,
      nodeIp: '10.0.0.11',
      internalAddress: '10.0.0.11',
      identityFile: `${homedir()}/.ssh/lab`,
      powerOff: ['virsh', 'destroy', 'm0'],
      powerOn: ['virsh', 'start', 'm0'],
    });
    expect(parsed.hosts[3]).toMatchObject({ agent: true });
    expect(parsed.hosts[3]?.identityFile).toBeUndefined();
    expect(parsed.knownHosts).toBe(`${homedir()}/.ssh/lab_known_hosts`);
  });

  it('accepts hosts that share an address behind different ports (port forwarding)', () => {
    const forwarded = (name: string, port: number, ip: string, role: string) =>
      host(name, '127.0.0.1', role, [`port: ${port}`, `internalAddress: ${ip}`]);
    const text = inventory({
      hosts: [
        forwarded('m0', 2201, '10.0.0.11', 'master'),
        forwarded('m1', 2202, '10.0.0.12', 'master'),
        forwarded('m2', 2203, '10.0.0.13', 'master'),
        forwarded('w0', 2204, '10.0.0.21', 'worker'),
      ],
    });
    expect(parseInventory(text, FILE).hosts.map((h) => h.nodeIp)).toHaveLength(4);
  });
});

describe('parseInventory: a malformed file, one line per problem with file:line and field', () => {
  it('refuses an unknown key and names the ones it knows', () => {
    const text = inventory().replace('    user: debian\n', '    user: debian\n    passwd: x\n');
    expect(problems(text)).toBe(
      'lab.yaml:9: hosts[0].passwd: unknown field "passwd" (use one of name, address, port, user, identityFile, agent, role, internalAddress, powerOff, powerOn)',
    );
  });

  it('refuses an unknown top-level key', () => {
    expect(problems(inventory({ extra: 'masters: 3' }))).toBe(
      'lab.yaml:31: masters: unknown field "masters" (use one of vip, hosts, knownHosts)',
    );
  });

  it('wants an identity file or the agent', () => {
    const text = inventory().replace('    identityFile: ./id_ed25519\n', '');
    expect(problems(text)).toBe(
      'lab.yaml:6: hosts[0]: give identityFile (a private key file) or agent: true (the key in ssh-agent)',
    );
  });

  it('refuses both an identity file and the agent', () => {
    const text = inventory().replace('    role: master\n', '    role: master\n    agent: true\n');
    expect(problems(text)).toBe(
      'lab.yaml:6: hosts[0]: give either identityFile or agent: true, not both',
    );
  });

  it('refuses an unknown role', () => {
    const text = inventory().replace('role: worker', 'role: etcd');
    expect(problems(text)).toBe(
      'lab.yaml:25: hosts[3].role: unknown role "etcd" (use master or worker)',
    );
  });

  it('refuses a node name Kubernetes would refuse', () => {
    const text = inventory().replace('name: m0', 'name: Master_0');
    expect(problems(text)).toBe(
      'lab.yaml:6: hosts[0].name: use 1-63 lowercase letters, digits and dashes (a node name such as m0 or node-1)',
    );
  });

  it('refuses a bad port, prefix and VIP address, each on its own line', () => {
    const text = inventory({ vip: '10.0.0.256' })
      .replace('prefix: 24', 'prefix: 33')
      .replace('    user: debian\n', '    user: debian\n    port: 70000\n');
    expect(problems(text).split('\n')).toEqual([
      'lab.yaml:2: vip.address: expected an IPv4 address such as 192.168.10.11',
      'lab.yaml:4: vip.prefix: must be between 1 and 32',
      'lab.yaml:9: hosts[0].port: must be between 1 and 65535',
    ]);
  });

  it('says which required field is missing', () => {
    const text = inventory().replace('    role: master\n', '');
    expect(problems(text)).toBe('lab.yaml:6: hosts[0].role: is required');
  });

  it('tells a missing address from a malformed one', () => {
    expect(problems(inventory().replace('    address: 10.0.0.11\n', ''))).toBe(
      'lab.yaml:6: hosts[0].address: is required',
    );
    expect(problems(inventory().replace('address: 10.0.0.11', 'address: 10.0.0.300'))).toBe(
      'lab.yaml:7: hosts[0].address: expected an IPv4 address such as 192.168.10.11',
    );
    expect(problems(inventory().replace('address: 10.0.0.11', 'address: "m0 lab"'))).toBe(
      'lab.yaml:7: hosts[0].address: expected an IPv4 address or a host name such as 192.168.10.11 or m0.lab.example',
    );
  });

  it('wants powerOn with powerOff', () => {
    const text = inventory().replace(
      '    role: master\n',
      '    role: master\n    powerOff: [virsh, destroy, m0]\n',
    );
    expect(problems(text)).toBe(
      'lab.yaml:6: hosts[0].powerOn: give powerOff and powerOn together: a fault that powers a host off must power it on again',
    );
  });

  it('wants a power command as a list of words, not a shell line', () => {
    const text = inventory().replace(
      '    role: master\n',
      '    role: master\n    powerOff: virsh destroy m0\n    powerOn: [virsh, start, m0]\n',
    );
    expect(problems(text)).toBe(
      'lab.yaml:11: hosts[0].powerOff: expected a command as a list of words, such as ["virsh", "destroy", "m0"]',
    );
  });

  it('reports a YAML syntax error with its line', () => {
    expect(problems('vip:\n  address: [1\nhosts: []\n')).toMatch(/^lab\.yaml:\d+: /);
    expect(problems('')).toBe('lab.yaml:1: the file is empty; an inventory needs vip and hosts');
  });
});
