import { CgroupParseError } from '../errors';

/**
 * One non-negative integer and a newline: cpuacct.usage, memory.usage_in_bytes, memory.current,
 * cpu.cfs_period_us, pids.current. Throws CgroupParseError naming `file` on anything else.
 */
export function parseSingleInt(text: string, file: string): bigint {
  const m = /^(\d+)\n?$/.exec(text);
  if (!m) throw new CgroupParseError(file, 1, text.trimEnd(), 'expected one non-negative integer');
  return BigInt(m[1]);
}

/**
 * v2 limit files: an integer or the word "max" (memory.max, memory.high, pids.max).
 * Returns null for "max" (unlimited). Throws CgroupParseError naming `file` on anything else.
 */
export function parseIntOrMax(text: string, file: string): bigint | null {
  const m = /^(max|\d+)\n?$/.exec(text);
  if (!m) throw new CgroupParseError(file, 1, text.trimEnd(), 'expected an integer or "max"');
  return m[1] === 'max' ? null : BigInt(m[1]);
}
