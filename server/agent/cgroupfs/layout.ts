import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupLayout, V1Controller } from './driver';
import { CgroupParseError } from './errors';
import { parseMountinfo } from './parse/mountinfo';

const V1_CONTROLLERS: readonly V1Controller[] = ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio', 'cpuset', 'devices'];

/**
 * Decides the host's cgroup layout from mountinfo text (pure).
 * - v1: only v1 hierarchies; hybrid: v1 controllers plus a cgroup2 mount; v2: only cgroup2.
 * - A co-mounted hierarchy (`cpu,cpuacct`) maps both controllers to the same directory.
 * - Named hierarchies (`name=systemd`) carry no controller and are ignored.
 * - When a controller is mounted twice (bind mounts), the first mount wins.
 * Paths are `join(hostRoot, mountPoint)`. Throws CgroupParseError when no cgroup mount exists.
 */
export function detectLayout(mountinfoText: string, hostRoot: string): CgroupLayout {
  const v1: CgroupLayout['v1'] = {};
  let unified: string | null = null;
  for (const m of parseMountinfo(mountinfoText)) {
    if (m.fsType === 'cgroup2') {
      unified ??= join(hostRoot, m.mountPoint);
    } else if (m.fsType === 'cgroup') {
      for (const c of V1_CONTROLLERS) {
        if (m.superOptions.includes(c)) v1[c] ??= join(hostRoot, m.mountPoint);
      }
    }
  }
  const hasV1 = Object.keys(v1).length > 0;
  if (!hasV1 && unified === null) throw new CgroupParseError('mountinfo', 0, '', 'no cgroup or cgroup2 mount found');
  const kind = hasV1 ? (unified === null ? 'v1' : 'hybrid') : 'v2';
  return { kind, v1, unified };
}

/** Reads `<hostRoot>/proc/self/mountinfo` and detects the layout. Throws on I/O or parse errors. */
export function loadLayout(hostRoot: string): CgroupLayout {
  return detectLayout(readFileSync(join(hostRoot, 'proc/self/mountinfo'), 'utf8'), hostRoot);
}
