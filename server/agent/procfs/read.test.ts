import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessReader } from './read';

const FIXTURE = join(import.meta.dirname, '../../../test/fixtures/cgroupfs/v1-hybrid-debian12-6.18');
const PID = 4194305;

describe('ProcessReader', () => {
  const roots: string[] = [];
  /** A temp hostRoot with the fixture's process and the given proc/stat text. */
  const makeRoot = (procStat: string) => {
    const root = mkdtempSync(join(tmpdir(), 'cgdash-procreader-'));
    roots.push(root);
    cpSync(join(FIXTURE, 'proc', String(PID)), join(root, 'proc', String(PID)), { recursive: true });
    writeFileSync(join(root, 'proc/stat'), procStat);
    return root;
  };
  after(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

  test('read() gives threads and a start time from btime + starttime ticks', () => {
    // The fixture's yes: num_threads 1, starttime 710915 ticks.
    const [p] = new ProcessReader(makeRoot('cpu  1 2 3 4\nbtime 1796306023\n'), 100).read([PID], 1n);
    assert.equal(p.threads, 1);
    assert.equal(p.startTime, 1796306023 * 1000 + 7_109_150);
  });

  test('read() gives startTime null when proc/stat has no btime', () => {
    const [p] = new ProcessReader(makeRoot('cpu  1 2 3 4\n'), 100).read([PID], 1n);
    assert.equal(p.startTime, null);
    assert.equal(p.threads, 1);
  });

  test('read() skips a PID that does not exist', () => {
    assert.deepEqual(new ProcessReader(makeRoot('btime 1\n'), 100).read([PID + 1], 1n), []);
  });
});
