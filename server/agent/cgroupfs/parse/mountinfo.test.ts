import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CgroupParseError } from '../errors';
import { parseMountinfo, unescapeMountPath } from './mountinfo';

describe('parseMountinfo()', () => {
  test('parseMountinfo() reads fstype, mount point and super options of real lines', () => {
    const text = [
      '22 27 0:21 / /proc rw,relatime - proc proc rw',
      '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
      '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
      // Optional fields (shared:N master:N) sit before the "-" separator on systemd hosts.
      '30 24 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 master:3 - cgroup cgroup rw,cpu,cpuacct',
      '',
    ].join('\n');
    const entries = parseMountinfo(text);
    assert.equal(entries.length, 4);
    assert.deepEqual(entries[1], { mountId: 32, root: '/', mountPoint: '/sys/fs/cgroup/cpu', fsType: 'cgroup', source: 'cgroup', superOptions: ['rw', 'cpu'] });
    assert.equal(entries[2].fsType, 'cgroup2');
    assert.deepEqual(entries[3].superOptions, ['rw', 'cpu', 'cpuacct']);
    assert.equal(entries[3].mountPoint, '/sys/fs/cgroup/cpu,cpuacct');
  });

  test('parseMountinfo() decodes octal escapes in mount points', () => {
    const [e] = parseMountinfo('50 31 0:40 / /mnt/my\\040cgroups\\134x rw - cgroup cgroup rw,memory\n');
    assert.equal(e.mountPoint, '/mnt/my cgroups\\x');
  });

  test('parseMountinfo() returns [] for empty content', () => {
    assert.deepEqual(parseMountinfo(''), []);
  });

  for (const line of ['32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime cgroup cgroup rw,cpu', 'garbage', 'x 31 0:29 / /a rw - cgroup cgroup rw,cpu']) {
    test(`parseMountinfo() throws CgroupParseError naming mountinfo for ${JSON.stringify(line.slice(0, 40))}`, () => {
      assert.throws(() => parseMountinfo(`22 27 0:21 / /proc rw,relatime - proc proc rw\n${line}\n`), (e) => e instanceof CgroupParseError && e.file === 'mountinfo' && e.line === 2);
    });
  }
});

describe('unescapeMountPath()', () => {
  test('unescapeMountPath() decodes space, tab, newline and backslash', () => {
    assert.equal(unescapeMountPath('a\\040b\\011c\\012d\\134e'), 'a b\tc\nd\\e');
  });
});
