/** A cgroup file could not be read or written. `errno` is the kernel's answer (EBUSY, EINVAL, ENOENT…). */
export class CgroupFileError extends Error {
  readonly errno: string | undefined;
  constructor(
    readonly op: 'read' | 'write' | 'mkdir' | 'rmdir' | 'stat' | 'readdir',
    readonly dir: string,
    readonly file: string,
    readonly value: string | undefined,
    cause: unknown,
  ) {
    const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`${op} ${value !== undefined ? `"${value}" to ` : ''}${file}: ${errno ?? String(cause)}`, { cause });
    this.name = 'CgroupFileError';
    this.errno = errno;
  }
}

/** A kernel file's content did not have the expected shape. */
export class CgroupParseError extends Error {
  constructor(readonly file: string, readonly line: number, readonly text: string, reason: string) {
    super(`${file}:${line}: ${reason}: ${JSON.stringify(text.slice(0, 120))}`);
    this.name = 'CgroupParseError';
  }
}

/** The named sandbox does not exist under the managed parent. */
export class SandboxNotFoundError extends Error {
  constructor(readonly sandbox: string) {
    super(`Sandbox "${sandbox}" does not exist.`);
    this.name = 'SandboxNotFoundError';
  }
}

/** The operation is valid input but cannot be done in the current state (e.g. already exists). */
export class SandboxConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxConflictError';
  }
}

/** The kernel refused or did not complete an operation that is not a single file write (freeze stuck, kill not emptying). */
export class KernelRefusedError extends Error {
  constructor(message: string, readonly errno?: string, readonly file?: string) {
    super(message);
    this.name = 'KernelRefusedError';
  }
}

/** The cgroup or process went away between listing and reading: a normal race while sampling. */
export const isVanished = (e: unknown): boolean =>
  (e instanceof CgroupFileError && ['ENOENT', 'ENODEV', 'ESRCH'].includes(e.errno ?? '')) ||
  e instanceof SandboxNotFoundError;
