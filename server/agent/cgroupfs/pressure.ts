import type { RawCgroupStats } from './driver';
import { readOptionalCgroupFile } from './files';
import { parsePressure } from './parse/nested-keyed';

const FILES = { cpu: 'cpu.pressure', memory: 'memory.pressure', io: 'io.pressure' } as const;

/**
 * cpu.pressure, memory.pressure and io.pressure of one cgroup2 directory (PSI, Linux ≥ 4.20 with
 * CONFIG_PSI and psi not disabled). `dir` null or a missing file → null for that resource.
 */
export function readPressure(dir: string | null): RawCgroupStats['pressure'] {
  const read = (file: string) => {
    const text = dir === null ? null : readOptionalCgroupFile(dir, file);
    return text === null ? null : parsePressure(text, file);
  };
  return { cpu: read(FILES.cpu), memory: read(FILES.memory), io: read(FILES.io) };
}
