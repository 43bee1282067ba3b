import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CgroupParseError } from './errors';
import { detectLayout } from './layout';

/** This machine's cgroup lines (Debian 12 image, Linux 6.18): cpu and cpuacct as separate hierarchies. */
const HYBRID_SEPARATE = `22 27 0:21 / /proc rw,relatime - proc proc rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

/** A typical systemd v1 host (Ubuntu 18.04 / CentOS 7 style): co-mounted cpu,cpuacct and no cgroup2. */
const V1_COMOUNTED = `25 18 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,name=systemd
29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct
30 25 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,memory
31 25 0:28 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,freezer
`;

const V2_ONLY = `35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

describe('detectLayout()', () => {
  test('detectLayout() returns hybrid with separate cpu and cpuacct dirs for this machine', () => {
    const layout = detectLayout(HYBRID_SEPARATE, '/');
    assert.equal(layout.kind, 'hybrid');
    assert.equal(layout.v1.cpu, '/sys/fs/cgroup/cpu');
    assert.equal(layout.v1.cpuacct, '/sys/fs/cgroup/cpuacct');
    assert.equal(layout.v1.memory, '/sys/fs/cgroup/memory');
    assert.equal(layout.v1.cpuset, '/sys/fs/cgroup/cpuset');
    assert.equal(layout.unified, '/sys/fs/cgroup/unified');
  });

  test('detectLayout() maps co-mounted cpu,cpuacct to one dir and ignores name=systemd', () => {
    const layout = detectLayout(V1_COMOUNTED, '/');
    assert.equal(layout.kind, 'v1');
    assert.equal(layout.v1.cpu, '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(layout.v1.cpuacct, '/sys/fs/cgroup/cpu,cpuacct');
    assert.equal(layout.unified, null);
    assert.deepEqual(Object.keys(layout.v1).sort(), ['cpu', 'cpuacct', 'freezer', 'memory']);
  });

  test('detectLayout() returns v2 when only cgroup2 is mounted (named v1 hierarchies do not count)', () => {
    const layout = detectLayout(V2_ONLY + '26 25 0:23 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n', '/');
    assert.deepEqual(layout, { kind: 'v2', v1: {}, unified: '/sys/fs/cgroup' });
  });

  test('detectLayout() prefixes hostRoot and decodes escaped mount points', () => {
    const layout = detectLayout('40 31 0:38 / /srv/my\\040cg rw - cgroup2 cgroup2 rw\n', '/tmp/fixture');
    assert.equal(layout.unified, '/tmp/fixture/srv/my cg');
  });

  test('detectLayout() keeps the first mount when a controller is mounted twice', () => {
    const layout = detectLayout(V1_COMOUNTED + '90 25 0:27 / /mnt/memory-again rw - cgroup cgroup rw,memory\n', '/');
    assert.equal(layout.v1.memory, '/sys/fs/cgroup/memory');
  });

  test('detectLayout() throws CgroupParseError when there is no cgroup mount', () => {
    assert.throws(() => detectLayout('22 27 0:21 / /proc rw,relatime - proc proc rw\n', '/'), CgroupParseError);
    assert.throws(() => detectLayout('', '/'), CgroupParseError);
  });
});
