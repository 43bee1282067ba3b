/**
 * cgroup.procs has the same name and semantics on v2 as on v1 (one PID per line; writing a PID moves
 * the whole thread group), so the v2 driver shares the v1 implementation.
 */
export { readProcs, readProcsIfPresent, readThreadCount, writeProc } from '../v1/procs';
