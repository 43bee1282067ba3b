import { CgroupParseError } from '../errors';

/** The fields of one /proc/<pid>/mountinfo line that the layout needs (see proc(5)). */
export interface MountInfoEntry {
  mountId: number;
  /** Root of the mount within its filesystem (e.g. "/" or a cgroup namespace path). */
  root: string;
  /** Mount point relative to the process's root, with octal escapes (\040 …) decoded. */
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-superblock options, split on ","; v1 cgroup mounts list their controllers here ("rw,cpu,cpuacct"). */
  superOptions: string[];
}

/** Decodes the kernel's octal escapes in mountinfo paths (space \040, tab \011, newline \012, backslash \134). */
export function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Parses mountinfo text. Line format (proc(5)):
 * `id parent major:minor root mountpoint options [optional fields…] - fstype source superoptions`.
 * The optional fields are variable in number and end at the lone "-". Throws CgroupParseError.
 */
export function parseMountinfo(text: string, file = 'mountinfo'): MountInfoEntry[] {
  const out: MountInfoEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (f.length < 10 || sep === -1 || f.length < sep + 4 || !/^\d+$/.test(f[0])) {
      throw new CgroupParseError(file, i + 1, line, 'expected "id parent maj:min root mountpoint options … - fstype source superoptions"');
    }
    out.push({
      mountId: Number(f[0]),
      root: unescapeMountPath(f[3]),
      mountPoint: unescapeMountPath(f[4]),
      fsType: f[sep + 1],
      source: unescapeMountPath(f[sep + 2]),
      superOptions: f[sep + 3].split(','),
    });
  });
  return out;
}
