import { CgroupParseError } from '../errors';

/**
 * Parses "key value" lines: v1 cpu.stat, cpuacct.stat, memory.stat, memory.oom_control; v2 cpu.stat,
 * memory.stat, memory.events, cgroup.events. Counters are bigint because ns counters pass 2^53.
 * Empty text gives an empty map (a file with no counters yet). Throws CgroupParseError naming `file`
 * on a line that is not "<key> <integer>".
 */
export function parseFlatKeyed(text: string, file: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const m = /^(\S+) (-?\d+)$/.exec(line);
    if (!m) throw new CgroupParseError(file, i + 1, line, 'expected "key value"');
    // Some memory.stat counters read negative on buggy kernels (per-CPU batching); clamp to 0 as
    // runc does in fscommon.ParseUint rather than report a nonsense negative size.
    out.set(m[1], m[2].startsWith('-') ? 0n : BigInt(m[2]));
  });
  return out;
}

/** `map.get(key)` or null when the kernel does not report that key (older kernels, other configs). */
export function pickKey(map: Map<string, bigint>, key: string): bigint | null {
  return map.get(key) ?? null;
}
