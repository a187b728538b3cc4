import Docker from 'dockerode';
import { RuntimeError } from '../core/errors.js';
import { withTimeout } from '../core/wait.js';

/** A client of the engine from DOCKER_HOST, or the default socket (dockerode reads DOCKER_HOST). */
export function dockerClient(): Docker {
  return new Docker();
}

export function engineAddress(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

export const NO_ENGINE_MESSAGE =
  'no Docker engine answers: run `bash scripts/ensure-engine.sh` (installs and starts Debian docker.io as root) or start Docker, then retry';

/** Pings the engine with a deadline, so a dead or restarting engine gives a message, not a hang. */
export async function pingEngine(docker: Docker, timeoutMs = 5000): Promise<void> {
  try {
    await withTimeout('the Docker engine ping', timeoutMs, () => docker.ping());
  } catch (error) {
    if (isPermissionDenied(error)) throw socketPermissionError(error);
    throw new RuntimeError('no-engine', `${NO_ENGINE_MESSAGE} (${engineAddress()})`, {
      cause: error,
    });
  }
}

/** Wraps an engine call so connection errors become one clear line. */
export async function engineCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isPermissionDenied(error)) throw socketPermissionError(error);
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ECONNRESET' || code === 'EPIPE') {
      throw new RuntimeError(
        'engine-unavailable',
        `the Docker engine stopped answering during ${what}; check that it is running (scripts/ensure-engine.sh) and retry`,
        { cause: error },
      );
    }
    throw error;
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

function isPermissionDenied(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'EACCES' || code === 'EPERM';
}

/** The engine runs, but this user may not talk to it: the usual fix is the docker group. */
function socketPermissionError(cause: unknown): RuntimeError {
  return new RuntimeError(
    'engine-permission',
    `permission denied on the Docker engine socket (${engineAddress()}): run ha-lab as root, or add your user to the docker group (sudo usermod -aG docker $USER) and log in again`,
    { cause },
  );
}
