import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CgroupFileError, isVanished, KernelRefusedError } from './errors';
import {
  confinedSandboxDir, listChildCgroups, readCgroupFile, readOptionalCgroupFile, removeCgroupDirWithBackoff, writeCgroupFile,
} from './files';

describe('files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgdash-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('writeCgroupFile() replaces the content and never creates a missing file (ENOENT, like cgroupfs)', () => {
    writeFileSync(join(dir, 'cpu.max'), 'max 100000\n');
    writeCgroupFile(dir, 'cpu.max', '5000 100000');
    assert.equal(readFileSync(join(dir, 'cpu.max'), 'utf8'), '5000 100000');
    assert.throws(() => writeCgroupFile(dir, 'cpu.maxx', '1'), (e) => e instanceof CgroupFileError && e.errno === 'ENOENT' && e.op === 'write' && e.value === '1');
  });

  test('readCgroupFile() wraps errors in CgroupFileError with the errno; isVanished() accepts ENOENT', () => {
    assert.throws(() => readCgroupFile(join(dir, 'gone'), 'cgroup.procs'), (e) => e instanceof CgroupFileError && e.errno === 'ENOENT' && isVanished(e));
  });

  test('readOptionalCgroupFile() returns null only for a missing file', () => {
    assert.equal(readOptionalCgroupFile(dir, 'memory.stat'), null);
    mkdirSync(join(dir, 'adir'));
    assert.throws(() => readOptionalCgroupFile(dir, 'adir'), (e) => e instanceof CgroupFileError && e.errno === 'EISDIR');
  });

  test('listChildCgroups() lists directories only', () => {
    mkdirSync(join(dir, 'child'));
    assert.deepEqual(listChildCgroups(dir).sort(), ['adir', 'child']);
  });

  test('removeCgroupDirWithBackoff() passes non-EBUSY errors through unchanged', async () => {
    await assert.rejects(removeCgroupDirWithBackoff(join(dir, 'nothing')), (e) => e instanceof CgroupFileError && e.errno === 'ENOENT');
    writeFileSync(join(dir, 'child', 'f'), '');
    await assert.rejects(removeCgroupDirWithBackoff(join(dir, 'child')), (e) => e instanceof CgroupFileError && e.errno === 'ENOTEMPTY' && !(e instanceof KernelRefusedError));
  });

  test('confinedSandboxDir() accepts one path component and refuses escapes', () => {
    assert.equal(confinedSandboxDir('/sys/fs/cgroup/cpu', 'cgdash', 'bob'), '/sys/fs/cgroup/cpu/cgdash/bob');
    assert.equal(confinedSandboxDir('/sys/fs/cgroup/cpu/', 'cgdash', 'bob'), '/sys/fs/cgroup/cpu/cgdash/bob');
    for (const name of ['..', '../x', 'a/b', '', '.', '/etc']) assert.throws(() => confinedSandboxDir('/sys/fs/cgroup/cpu', 'cgdash', name), /escapes/);
    for (const parent of ['..', '/', '', '../../etc', '/abs']) assert.throws(() => confinedSandboxDir('/sys/fs/cgroup/cpu', parent, 'bob'), /escapes/);
  });
});
