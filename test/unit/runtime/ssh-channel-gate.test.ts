import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ChannelGate } from '../../../src/runtime/ssh/channel-gate.js';
import { SshConnection } from '../../../src/runtime/ssh/ssh-connection.js';

/**
 * A client standing in for ssh2's against an sshd with `MaxSessions`: a channel past the
 * limit is refused with OpenSSH's words; each command answers after a short while.
 */
class LimitedHost extends EventEmitter {
  open = 0;
  peak = 0;
  refusals = 0;

  constructor(private readonly maxSessions: number) {
    super();
  }

  exec(command: string, opened: (error: Error | undefined, channel: EventEmitter) => void) {
    setImmediate(() => {
      if (this.open >= this.maxSessions) {
        this.refusals += 1;
        return opened(new Error('(SSH) Channel open failure: open failed'), undefined as never);
      }
      this.open += 1;
      this.peak = Math.max(this.peak, this.open);
      const channel = Object.assign(new EventEmitter(), {
        stderr: new EventEmitter(),
        end: () => undefined,
      });
      opened(undefined, channel);
      // ssh2 parses a whole segment at once: a quick command's output and exit status can
      // follow the open's answer before any promise callback runs.
      channel.emit('data', Buffer.from(command));
      channel.emit('exit', 0);
      setTimeout(() => {
        this.open -= 1;
        channel.emit('close');
      }, 5);
    });
  }
}

function connectionTo(host: LimitedHost): SshConnection {
  return new SshConnection(
    host as unknown as Client,
    {
      name: 'm0',
      address: '10.0.0.1',
      port: 22,
      user: 'root',
    } as never,
  );
}

async function burst(connection: SshConnection, count: number): Promise<string[]> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) => connection.exec(`echo ${i}`)),
  );
  return results.map((r) => r.stdout);
}

describe('channels on one SSH connection', () => {
  it("never opens more channels than sshd's default MaxSessions allows", async () => {
    const host = new LimitedHost(10);
    const outputs = await burst(connectionTo(host), 30);
    expect(outputs).toEqual(Array.from({ length: 30 }, (_, i) => `echo ${i}`));
    expect(host.refusals).toBe(0);
    expect(host.peak).toBeLessThanOrEqual(8);
  });

  it('learns a lower limit from a refusal and runs every command anyway', async () => {
    const host = new LimitedHost(3);
    const outputs = await burst(connectionTo(host), 20);
    expect(outputs).toHaveLength(20);
    expect(host.peak).toBe(3);
    // Refusals happen only while the gate learns; afterwards commands wait their turn.
    expect(host.refusals).toBeLessThanOrEqual(8);
  });

  it('fails a command with one line once a host refuses every channel', async () => {
    const host = new LimitedHost(0);
    await expect(connectionTo(host).exec('true')).rejects.toThrow(
      /^m0: cannot start a command over SSH \(\(SSH\) Channel open failure: open failed\)$/,
    );
    expect(host.refusals).toBe(5);
  });
});

describe('ChannelGate', () => {
  it('holds back the channel past the bound until one closes', async () => {
    const gate = new ChannelGate(2);
    await gate.acquire();
    await gate.acquire();
    let third = false;
    const waiting = gate.acquire().then(() => (third = true));
    await new Promise(setImmediate);
    expect(third).toBe(false);
    gate.release();
    await waiting;
    expect(gate.inUse).toBe(2);
  });

  it('lowers its bound to what was open when the host refused', async () => {
    const gate = new ChannelGate(8);
    for (let i = 0; i < 5; i += 1) await gate.acquire();
    gate.refused();
    expect(gate.bound).toBe(4);
    expect(gate.inUse).toBe(4);
  });
});
