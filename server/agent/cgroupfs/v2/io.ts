import { readOptionalCgroupFile } from '../files';
import { parseIoStat, type IoCounters } from '../parse/nested-keyed';

const STAT = 'io.stat';

/**
 * io.stat: cumulative bytes and operations per device. null when the io controller is not enabled
 * for the group (no file); an empty file (no I/O yet) gives an empty record.
 */
export function readIoStat(dir: string): Record<string, IoCounters> | null {
  const text = readOptionalCgroupFile(dir, STAT);
  return text === null ? null : parseIoStat(text, STAT);
}
