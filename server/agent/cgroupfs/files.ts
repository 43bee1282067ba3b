/**
 * The only filesystem access for cgroup files and directories. Everything is synchronous on
 * purpose: cgroupfs reads never block on disk, and readFileSync measured ~17 µs per file here
 * against ~195 µs for fs.promises.readFile (libuv thread-pool round trip). Callers (the drivers)
 * expose async methods. Every failure is a CgroupFileError carrying the kernel's errno.
 */
import { closeSync, constants as C, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_NAME_RE } from '../../../lib/protocol/commands';
import { CgroupFileError, KernelRefusedError, SandboxConflictError } from './errors';

/** Reads one cgroup file as text. Throws CgroupFileError (ENOENT when the file or cgroup is gone). */
export function readCgroupFile(dir: string, file: string): string {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch (err) {
    throw new CgroupFileError('read', dir, file, undefined, err);
  }
}

/** Like readCgroupFile, but a missing file (ENOENT) gives null: for optional, config-dependent files. */
export function readOptionalCgroupFile(dir: string, file: string): string | null {
  try {
    return readCgroupFile(dir, file);
  } catch (err) {
    // Expected: the controller or file is not there on this kernel/hierarchy. Callers that must
    // tell "file missing" from "cgroup vanished" re-check the directory afterwards.
    if (err instanceof CgroupFileError && err.errno === 'ENOENT') return null;
    throw err;
  }
}

/**
 * One write(2) of `value`. No O_CREAT, so a misspelt file fails with ENOENT on a fixture tree exactly
 * as on cgroupfs; O_TRUNC makes plain fixture files take the new content (cgroupfs ignores it).
 * Throws CgroupFileError with the kernel's errno (EBUSY, EINVAL, ESRCH…).
 */
export function writeCgroupFile(dir: string, file: string, value: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(join(dir, file), C.O_WRONLY | C.O_TRUNC);
    writeSync(fd, value);
  } catch (err) {
    throw new CgroupFileError('write', dir, file, value, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** mkdir(2) of one cgroup directory (the kernel populates it). Throws CgroupFileError (EEXIST, ENOENT…). */
export function makeCgroupDir(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    throw new CgroupFileError('mkdir', dir, '.', undefined, err);
  }
}

/**
 * The conflict to report when mkdir of sandbox `name` at `dir` fails with EEXIST: either the sandbox
 * exists, or the name is taken by one of the parent's kernel files ("tasks", "cpu.shares", …), which
 * the name rule allows but no mkdir ever will.
 */
export function existsError(name: string, dir: string): SandboxConflictError {
  return cgroupDirExists(dir)
    ? new SandboxConflictError(`Sandbox "${name}" already exists.`)
    : new SandboxConflictError(`Cannot create sandbox "${name}": the managed parent has a kernel file of that name; choose another name.`);
}

/** rmdir(2) of one cgroup directory. Throws CgroupFileError (EBUSY while it has processes or children). */
export function removeCgroupDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (err) {
    throw new CgroupFileError('rmdir', dir, '.', undefined, err);
  }
}

/*
 * rmdir backoff: opencontainers/cgroups RemovePaths retries EBUSY with a doubling delay from 10 ms
 * (5 tries), because a just-killed task can still pin the cgroup for a moment. We allow 8 tries
 * (7 sleeps of 10, 20 … 640 ms, ≈ 1.3 s in total; measured 1276 ms here) since our kill returns as soon as cgroup.procs is empty.
 */
const RMDIR_TRIES = 8;
const RMDIR_FIRST_DELAY_MS = 10;

/**
 * rmdir(2) with a bounded doubling backoff on EBUSY. Throws KernelRefusedError "still has processes"
 * when it stays busy; any other failure (ENOENT…) propagates as CgroupFileError.
 */
export async function removeCgroupDirWithBackoff(dir: string): Promise<void> {
  let delay = RMDIR_FIRST_DELAY_MS;
  for (let i = 0; ; i++) {
    try {
      return removeCgroupDir(dir);
    } catch (err) {
      if (!(err instanceof CgroupFileError && err.errno === 'EBUSY')) throw err;
      if (i === RMDIR_TRIES - 1) {
        throw new KernelRefusedError(`Cannot remove the sandbox: it still has processes (or child groups) after ${RMDIR_TRIES} tries.`, 'EBUSY');
      }
    }
    await sleep(delay);
    delay *= 2;
  }
}

/** Inode of a cgroup directory (bigint). Throws CgroupFileError (ENOENT when gone). */
export function statCgroupDir(dir: string): bigint {
  try {
    return statSync(dir, { bigint: true }).ino;
  } catch (err) {
    throw new CgroupFileError('stat', dir, '.', undefined, err);
  }
}

/** Whether a cgroup directory exists. Only ENOENT/ENOTDIR mean "no"; other errors are thrown. */
export function cgroupDirExists(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw new CgroupFileError('stat', dir, '.', undefined, err);
  }
}

/** Names of the child directories (child cgroups) of `dir`, unsorted. Throws CgroupFileError. */
export function listChildCgroups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    throw new CgroupFileError('readdir', dir, '.', undefined, err);
  }
}

/**
 * `join(mountDir, parent)`, asserted to stay strictly inside the mount (parent comes from config,
 * e.g. "cgdash"; it may be nested like "tenants/cgdash"). Throws Error on escape.
 */
export function confinedParentDir(mountDir: string, parent: string): string {
  const mount = resolve(mountDir);
  const parentDir = resolve(mount, parent);
  if (!parentDir.startsWith(mount + '/') || parent.startsWith('/')) {
    throw new Error(`Managed parent ${JSON.stringify(parent)} escapes the cgroup mount ${mountDir}.`);
  }
  return parentDir;
}

/**
 * Builds `join(mountDir, parent, name)` and asserts it is exactly one level inside
 * `join(mountDir, parent)`. Names are validated upstream; this is the driver's own last line of
 * defence against "..", "/" or an empty name. Throws Error (a bug or a hostile caller, never an
 * operator typo).
 */
export function confinedSandboxDir(mountDir: string, parent: string, name: string): string {
  const parentDir = confinedParentDir(mountDir, parent);
  const dir = resolve(parentDir, name);
  if (!dir.startsWith(parentDir + '/') || dir.slice(parentDir.length + 1).includes('/')) {
    throw new Error(`Sandbox name ${JSON.stringify(name)} escapes the managed parent ${parentDir}.`);
  }
  return dir;
}

/** Deepest child group reported below a sandbox: `bob/a/b/c/d` is 4 levels below `bob`; deeper groups are left out. */
export const MAX_CHILD_DEPTH = 4;
/** Most descendant groups reported per sandbox (breadth first, so shallow groups win); the rest are left out. */
export const MAX_DESCENDANTS = 256;

/** Whether one path component is a name cgdash accepts (the protocol's sandbox-name rule, never "..", never "/"). */
function isGroupName(n: string): boolean {
  return SANDBOX_NAME_RE.test(n) && !n.includes('..');
}

/**
 * `join(mountDir, parent, path)` for a sandbox's descendant, `path` = "bob/worker1" or deeper (2 to
 * 1 + MAX_CHILD_DEPTH components). Every component must pass the sandbox-name rule and the result must
 * stay inside the managed parent. Paths reach here only from listDescendants() (names read from the
 * cgroup directories), never from input; this is the last line of defence. Throws Error.
 */
export function confinedChildDir(mountDir: string, parent: string, path: string): string {
  const parts = path.split('/');
  if (parts.length < 2 || parts.length > 1 + MAX_CHILD_DEPTH || !parts.every(isGroupName)) {
    throw new Error(`Child group path ${JSON.stringify(path)} is not a valid path below a sandbox.`);
  }
  const parentDir = confinedParentDir(mountDir, parent);
  const dir = resolve(parentDir, ...parts);
  if (dir !== join(parentDir, ...parts) || !dir.startsWith(parentDir + '/')) {
    throw new Error(`Child group path ${JSON.stringify(path)} escapes the managed parent ${parentDir}.`);
  }
  return dir;
}

/**
 * Paths ("bob/worker1", "bob/worker1/x" …) of the child groups below sandbox `name`, found by listing
 * the sandbox directory in each of `mounts` (v1: the union across hierarchies; v2: one mount), breadth
 * first, at most MAX_CHILD_DEPTH levels deep and MAX_DESCENDANTS in all. A directory whose name fails
 * the sandbox-name rule is skipped with everything below it. Sorted. A directory that vanishes while
 * being listed is skipped (ENOENT race).
 */
export function listDescendants(mounts: readonly string[], parent: string, name: string): string[] {
  const found: string[] = [];
  let level = [name];
  for (let depth = 1; depth <= MAX_CHILD_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const path of level) {
      const names = new Set<string>();
      for (const mount of mounts) {
        const dir = depth === 1 ? confinedSandboxDir(mount, parent, path) : confinedChildDir(mount, parent, path);
        if (!cgroupDirExists(dir)) continue;
        try {
          for (const n of listChildCgroups(dir)) if (isGroupName(n)) names.add(n);
        } catch (err) {
          // Expected race: the group was removed between the stat and the readdir.
          if (!(err instanceof CgroupFileError && (err.errno === 'ENOENT' || err.errno === 'ENODEV'))) throw err;
        }
      }
      for (const n of [...names].sort()) {
        if (found.length >= MAX_DESCENDANTS) return found.sort();
        found.push(`${path}/${n}`);
        next.push(`${path}/${n}`);
      }
    }
    level = next;
  }
  return found.sort();
}
