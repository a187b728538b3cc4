import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import type { LineStream } from './provider.js';

/**
 * A long-running command in a node whose stdout is read line by line (e.g. `ip monitor
 * address`): one stream per node instead of one `docker exec` per sample.
 */
export async function streamLines(
  docker: Docker,
  containerName: string,
  command: string[],
  onLine: (line: string) => void,
): Promise<LineStream> {
  const exec = await docker
    .getContainer(containerName)
    .exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(stream, out, err);
  err.resume();
  const lines = createInterface({ input: out });
  lines.on('line', onLine);
  const ended = new Promise<void>((resolve) => {
    const done = () => {
      lines.close();
      resolve();
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
  return {
    ended,
    close() {
      stream.destroy();
    },
  };
}
