import type { SFTPWrapper } from 'ssh2';

/**
 * The few SFTP requests an upload needs, as promises. ssh2 answers them with callbacks; a
 * session that dies mid-request fails every callback, so none of these can hang past the
 * connection's keepalive.
 */
export class SftpSession {
  constructor(private readonly sftp: SFTPWrapper) {}

  /** Size of a remote file, or undefined when there is none. */
  size(path: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      this.sftp.stat(path, (error, stats) => {
        if (!error) return resolve(stats.size);
        // SSH_FX_NO_SUCH_FILE
        if ((error as Error & { code?: number }).code === 2) return resolve(undefined);
        reject(error);
      });
    });
  }

  /** The absolute form of a path; `.` is the login's home directory. */
  realpath(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.sftp.realpath(path, (error, absolute) => (error ? reject(error) : resolve(absolute)));
    });
  }

  /** Opens for writing: `truncate` starts the file afresh, else it is written in place. */
  open(path: string, truncate: boolean): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.sftp.open(path, truncate ? 'w' : 'r+', { mode: 0o600 }, (error, handle) =>
        error ? reject(error) : resolve(handle),
      );
    });
  }

  write(handle: Buffer, data: Buffer, position: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sftp.write(handle, data, 0, data.length, position, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  close(handle: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sftp.close(handle, (error) => (error ? reject(error) : resolve()));
    });
  }

  end(): void {
    this.sftp.end();
  }
}
