import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createDriver } from './create-driver';
import { loadLayout } from './layout';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/cgroupfs');

describe('createDriver()', () => {
  test('createDriver() gives the v1 driver on a hybrid host', () => {
    const root = join(FIXTURES, 'v1-hybrid-debian12-6.18');
    const layout = loadLayout(root);
    assert.equal(layout.kind, 'hybrid');
    assert.equal(createDriver({ hostRoot: root, layout, parent: 'cgdash', cpuCount: 2 }).kind, 'v1');
  });

  test('createDriver() gives the v2 driver on a pure v2 host', () => {
    const root = join(FIXTURES, 'v2-debian12-6.1');
    const layout = loadLayout(root);
    assert.equal(layout.kind, 'v2');
    assert.equal(createDriver({ hostRoot: root, layout, parent: 'cgdash', cpuCount: 2 }).kind, 'v2');
  });

  test('createDriver() refuses a parent that escapes the cgroup mount', () => {
    const root = join(FIXTURES, 'v2-debian12-6.1');
    assert.throws(() => createDriver({ hostRoot: root, layout: loadLayout(root), parent: '../etc', cpuCount: 2 }), /escapes the cgroup mount/);
  });
});
