import { protocolError, type ProtocolError } from '../../../lib/protocol';
import { CgroupFileError, KernelRefusedError, SandboxConflictError, SandboxNotFoundError } from '../cgroupfs/errors';
import type { Logger } from '../log';

/** Input that passed the schema but is still unusable (e.g. "80Q" as a memory size). */
export class BadInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadInputError';
  }
}

/** strerror(3) texts for the errnos cgroupfs answers with, so the operator reads what the kernel said. */
const STRERROR: Record<string, string> = {
  EBUSY: 'Device or resource busy',
  EINVAL: 'Invalid argument',
  ENOENT: 'No such file or directory',
  ENODEV: 'No such device',
  ESRCH: 'No such process',
  EPERM: 'Operation not permitted',
  EACCES: 'Permission denied',
  ENOSPC: 'No space left on device',
  EAGAIN: 'Resource temporarily unavailable',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
  EROFS: 'Read-only file system',
  EOPNOTSUPP: 'Operation not supported',
};

/** "EBUSY (Device or resource busy)". */
export function describeErrno(errno: string | undefined): string {
  if (!errno) return 'unknown error';
  return STRERROR[errno] ? `${errno} (${STRERROR[errno]})` : errno;
}

/**
 * The only place that turns an error into what a client sees. Kernel refusals keep the errno and the
 * kernel file name; unknown errors are logged in full and answered with a generic sentence.
 */
export function toProtocolError(err: unknown, log: Logger): ProtocolError {
  if (err instanceof BadInputError) return protocolError('bad_request', err.message);
  if (err instanceof SandboxNotFoundError) return protocolError('not_found', err.message);
  if (err instanceof SandboxConflictError) return protocolError('conflict', err.message);
  if (err instanceof KernelRefusedError) {
    return protocolError('kernel_refused', err.message, { ...(err.errno && { errno: err.errno }), ...(err.file && { file: err.file }) });
  }
  if (err instanceof CgroupFileError && err.errno) {
    // Directory operations carry file "." (the cgroup itself), which means nothing to the operator.
    if (err.file === '.') {
      const what = { mkdir: 'create', rmdir: 'remove', stat: 'look up', readdir: 'list', read: 'read', write: 'write' }[err.op];
      return protocolError('kernel_refused', `The kernel refused to ${what} the cgroup directory: ${describeErrno(err.errno)}.`, { errno: err.errno });
    }
    const what = err.op === 'write' ? `write "${err.value}" to ${err.file}` : `${err.op} ${err.file}`;
    return protocolError('kernel_refused', `The kernel refused to ${what}: ${describeErrno(err.errno)}.`, { errno: err.errno, file: err.file });
  }
  log.error('internal error', err);
  return protocolError('internal', 'Internal error in the agent; see the agent log for details.');
}
