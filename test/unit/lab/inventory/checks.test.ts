import { describe, expect, it } from 'vitest';
import { host, inventory, problems } from './fixture.js';

describe('parseInventory: a well-formed file that describes no buildable lab', () => {
  it('refuses two masters', () => {
    const text = inventory({
      hosts: [
        host('m0', '10.0.0.11', 'master'),
        host('m1', '10.0.0.12', 'master'),
        host('w0', '10.0.0.21', 'worker'),
      ],
    });
    expect(problems(text)).toBe(
      'lab.yaml:5: hosts: an inventory needs exactly 3 masters, found 2 (m0, m1)',
    );
  });

  it('refuses an inventory without workers, and one with four', () => {
    const masters = [0, 1, 2].map((i) => host(`m${i}`, `10.0.0.1${i + 1}`, 'master'));
    expect(problems(inventory({ hosts: masters }))).toBe(
      'lab.yaml:5: hosts: an inventory needs 1 to 3 workers, found 0',
    );
    const workers = [0, 1, 2, 3].map((i) => host(`w${i}`, `10.0.0.2${i + 1}`, 'worker'));
    expect(problems(inventory({ hosts: [...masters, ...workers] }))).toBe(
      'lab.yaml:5: hosts: an inventory needs 1 to 3 workers, found 4',
    );
  });

  it('names both hosts of a duplicate address', () => {
    const text = inventory({
      hosts: [
        host('m0', '10.0.0.11', 'master'),
        host('m1', '10.0.0.12', 'master'),
        host('m2', '10.0.0.13', 'master'),
        host('w0', '10.0.0.12', 'worker'),
      ],
    });
    expect(problems(text)).toBe(
      'lab.yaml:22: hosts[3].address: 10.0.0.12 is the address of both m1 and w0',
    );
  });

  it('names both hosts when two share a cluster address through internalAddress', () => {
    const text = inventory({
      hosts: [
        host('m0', '10.0.0.11', 'master'),
        host('m1', '10.0.0.12', 'master'),
        host('m2', '10.0.0.13', 'master'),
        host('w0', '172.16.0.5', 'worker', ['internalAddress: 10.0.0.11']),
      ],
    });
    expect(problems(text)).toBe(
      'lab.yaml:26: hosts[3].internalAddress: 10.0.0.11 is the cluster address of both m0 and w0: give each host its own internalAddress',
    );
  });

  it('refuses a duplicate name', () => {
    const text = inventory({
      hosts: [
        host('m0', '10.0.0.11', 'master'),
        host('m1', '10.0.0.12', 'master'),
        host('m2', '10.0.0.13', 'master'),
        host('m0', '10.0.0.21', 'worker'),
      ],
    });
    expect(problems(text)).toBe(
      'lab.yaml:21: hosts[3].name: "m0" names two hosts (hosts[0] and hosts[3]): give each its own name',
    );
  });

  it('refuses a VIP outside the first master’s subnet', () => {
    expect(problems(inventory({ vip: '10.0.1.200' }))).toBe(
      "lab.yaml:2: vip.address: 10.0.1.200 is outside 10.0.0.0/24, the subnet of m0 (10.0.0.11) with prefix 24: the VIP must be on the masters' network",
    );
  });

  it('refuses a VIP that a host already uses', () => {
    expect(problems(inventory({ vip: '10.0.0.13' }))).toBe(
      'lab.yaml:2: vip.address: 10.0.0.13 is the address of m2: the VIP must be an address no host uses',
    );
  });

  it('refuses a master outside the VIP’s subnet', () => {
    const text = inventory({
      hosts: [
        host('m0', '10.0.0.11', 'master'),
        host('m1', '10.0.0.12', 'master'),
        host('m2', '10.0.9.13', 'master'),
        host('w0', '10.0.0.21', 'worker'),
      ],
    });
    expect(problems(text)).toBe(
      "lab.yaml:17: hosts[2].address: 10.0.9.13 is outside the VIP's subnet 10.0.0.0/24: every master must be on the VIP's network",
    );
  });

  it('refuses a host inside the pod network', () => {
    const text = inventory({
      hosts: [
        host('m0', '10.0.0.11', 'master'),
        host('m1', '10.0.0.12', 'master'),
        host('m2', '10.0.0.13', 'master'),
        host('w0', '10.244.3.4', 'worker'),
      ],
    });
    expect(problems(text)).toBe(
      'lab.yaml:22: hosts[3].address: 10.244.3.4 lies inside the pod network 10.244.0.0/16, which the lab uses inside the cluster',
    );
  });

  it('wants an internal address for a host given by DNS name', () => {
    const text = inventory().replace('address: 10.0.0.21', 'address: w0.lab.example');
    expect(problems(text)).toBe(
      'lab.yaml:22: hosts[3].address: "w0.lab.example" is a host name: give internalAddress, the IPv4 address the cluster uses on w0',
    );
  });

  it('lists every problem of a file at once, in line order', () => {
    const text = inventory({
      vip: '10.0.0.11',
      hosts: [host('m0', '10.0.0.11', 'master'), host('w0', '10.0.0.11', 'worker')],
    });
    expect(problems(text).split('\n')).toEqual([
      'lab.yaml:2: vip.address: 10.0.0.11 is the address of m0: the VIP must be an address no host uses',
      'lab.yaml:5: hosts: an inventory needs exactly 3 masters, found 1 (m0)',
      'lab.yaml:12: hosts[1].address: 10.0.0.11 is the address of both m0 and w0',
    ]);
  });
});
