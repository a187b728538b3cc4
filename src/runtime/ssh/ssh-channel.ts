import { constants } from 'node:os';
import type { ClientChannel } from 'ssh2';

/**
 * sshd delivers a "signal" request to the session's process group (sudo passes it on), which
 * is what ends the command: closing the channel alone leaves it running, as sshd hangs up only
 * on a pty. ssh2's `channel.signal()` sends nothing once stdin has reached EOF (which every
 * command's has, right after its input), though the protocol allows it; so the request goes
 * through ssh2's protocol object. The SSH integration test fails if a new ssh2 breaks this.
 */
export function stopChannel(channel: ClientChannel): void {
  const internals = channel as unknown as {
    _client?: { _protocol?: { signal?: (id: number, signal: string) => void } };
    outgoing?: { id?: number; state?: string };
  };
  const protocol = internals._client?._protocol;
  const id = internals.outgoing?.id;
  try {
    if (
      typeof protocol?.signal === 'function' &&
      typeof id === 'number' &&
      internals.outgoing?.state !== 'closed'
    ) {
      protocol.signal(id, 'TERM');
    } else {
      channel.signal('TERM');
    }
  } catch {
    // the channel or the connection is already gone
  }
  channel.close();
}

/** The exit status a shell would report for a command ended by this signal, less 128. */
export function signalNumber(signal: string | undefined): number {
  const known = constants.signals as Record<string, number | undefined>;
  return known[`SIG${signal ?? ''}`] ?? 0;
}
