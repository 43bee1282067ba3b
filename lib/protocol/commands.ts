import { z } from 'zod';

/** Sandbox names: a single path component, no dot-dot (the issue's contract). */
export const SANDBOX_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const SandboxName = z
  .string({ error: 'name must be a string' })
  .regex(SANDBOX_NAME_RE, { error: 'name must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' })
  .refine((s) => !s.includes('..'), { error: 'name must not contain ".."' });

/** CPU limit in % of the whole machine; null = unlimited. */
export const CpuPercent = z
  .number({ error: 'cpuPercent must be a number or null' })
  .gt(0, { error: 'cpuPercent must be above 0' })
  .max(100, { error: 'cpuPercent must be at most 100 (the whole machine)' })
  .nullable();

/**
 * Memory limit in bytes, or a string with units ("80M"); null = unlimited. Parsed by lib/units/bytes.
 * The length cap keeps a hostile string away from that parser's regex, which backtracks
 * quadratically on long runs of spaces (60 000 of them blocked the agent for seconds).
 */
export const MemoryInput = z
  .union([z.number(), z.string().max(32, { error: 'a memory size is at most 32 characters (e.g. "80M")' })], {
    error: 'memoryBytes must be a number, a string like "80M", or null',
  })
  .nullable();

/** Linux PID_MAX_LIMIT (2^22): PIDs are always below it, whatever kernel.pid_max says. */
export const PID_LIMIT = 4_194_304;

/** A process ID: a whole number from 1 to PID_LIMIT − 1. */
export const Pid = z
  .number({ error: 'pid must be a number' })
  .int({ error: 'pid must be a whole number' })
  .min(1, { error: 'pid must be a positive integer' })
  .lt(PID_LIMIT, { error: `pid must be below ${PID_LIMIT} (the kernel's PID limit)` });

export const SandboxRef = z.object({ name: SandboxName }).strict();
export const SetCpuLimit = z.object({ name: SandboxName, percent: CpuPercent }).strict();
export const SetMemoryLimit = z.object({ name: SandboxName, bytes: MemoryInput }).strict();
export const CreateSandbox = z
  .object({ name: SandboxName, cpuPercent: CpuPercent.optional(), memoryBytes: MemoryInput.optional() })
  .strict();
export const PatchSandbox = z.object({ cpuPercent: CpuPercent.optional(), memoryBytes: MemoryInput.optional() }).strict();
export const MovePid = z.object({ name: SandboxName, pid: Pid }).strict();

export type SandboxRef = z.infer<typeof SandboxRef>;
export type SetCpuLimit = z.infer<typeof SetCpuLimit>;
export type SetMemoryLimit = z.infer<typeof SetMemoryLimit>;
export type CreateSandbox = z.infer<typeof CreateSandbox>;
export type PatchSandbox = z.infer<typeof PatchSandbox>;
export type MovePid = z.infer<typeof MovePid>;

/** One readable sentence from a zod error, for bad_request answers. */
export function describeIssues(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const path = i.path.join('.');
      // Our messages name their field already ("cpuPercent must be …"); prefix only the ones that don't.
      return path && !i.message.startsWith(String(i.path[i.path.length - 1])) ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}
