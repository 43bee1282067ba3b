import { CgroupParseError } from '../errors';

/** cgroup.procs / tasks: one PID per line (empty file = no processes). Throws CgroupParseError naming `file`. */
export function parseProcs(text: string, file = 'cgroup.procs'): number[] {
  const pids: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    if (!/^\d+$/.test(line)) throw new CgroupParseError(file, i + 1, line, 'expected a PID');
    pids.push(Number(line));
  });
  return pids;
}
