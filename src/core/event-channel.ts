/**
 * One writer, many readers: each reader is an async iterator with its own queue, so a slow
 * reader never holds the writer up. A reader ends when its signal aborts or the channel closes.
 */
export class EventChannel<T> {
  private readonly readers = new Set<Reader<T>>();
  private closed = false;

  /** Delivers to every reader now (a waiting reader resumes on the next microtask). */
  publish(value: T): void {
    for (const reader of this.readers) reader.push(value);
  }

  /** Ends every reader once it has read what was published; later readers end at once. */
  close(): void {
    this.closed = true;
    for (const reader of this.readers) reader.end(true);
    this.readers.clear();
  }

  get readerCount(): number {
    return this.readers.size;
  }

  subscribe(signal?: AbortSignal): AsyncIterableIterator<T> {
    const reader = new Reader<T>(() => this.readers.delete(reader));
    if (this.closed || signal?.aborted) reader.end(false);
    else {
      this.readers.add(reader);
      signal?.addEventListener('abort', () => reader.end(false), { once: true });
    }
    return reader;
  }
}

class Reader<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private done = false;

  constructor(private readonly detach: () => void) {}

  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
    } else this.queue.push(value);
  }

  /** An abort drops what is queued; a close lets the reader finish it first. */
  end(drain: boolean): void {
    if (this.done) return;
    this.done = true;
    this.detach();
    if (!drain) this.queue.length = 0;
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queue.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.end(false);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
