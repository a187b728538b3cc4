/**
 * sshd refuses a channel beyond `MaxSessions` (10 by default) open on one connection, with
 * "open failed". A command keeps one connection per host and overlaps package installs,
 * uploads and image imports on it, so without a bound a burst can pass ten and fail at random.
 * Two below the default leaves room for a stream (`ip monitor`) and a user's own session.
 */
export const CHANNELS_PER_CONNECTION = 8;

/**
 * Counts the channels open on one connection and holds back new ones past the bound. A host
 * configured lower than the bound teaches it: a refusal while others are open lowers the
 * bound to what the host took, so later channels wait instead of being refused.
 */
export class ChannelGate {
  private open = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private limit = CHANNELS_PER_CONNECTION) {}

  get bound(): number {
    return this.limit;
  }

  get inUse(): number {
    return this.open;
  }

  /** Resolves once a channel may be opened; the caller then owes one release() or refused(). */
  acquire(): Promise<void> {
    if (this.open < this.limit) {
      this.open += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.open += 1;
        resolve();
      }),
    );
  }

  /** A channel closed (or failed to open for a reason other than the host's limit). */
  release(): void {
    this.open = Math.max(0, this.open - 1);
    this.admit();
  }

  /** The host refused a channel: it takes no more than are open now (one at least). */
  refused(): void {
    this.open = Math.max(0, this.open - 1);
    if (this.open > 0) this.limit = Math.min(this.limit, this.open);
    this.admit();
  }

  private admit(): void {
    while (this.open < this.limit && this.waiting.length > 0) this.waiting.shift()?.();
  }
}

/** OpenSSH's answer when a connection already holds MaxSessions channels. */
export function isChannelRefusal(error: unknown): boolean {
  return error instanceof Error && /Channel open failure: open failed/.test(error.message);
}
