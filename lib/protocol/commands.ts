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

/** Memory limit in bytes, or a string with units ("80M"); null = unlimited. Parsed by lib/units/bytes. */
export const MemoryInput = z.union([z.number(), z.string()], { error: 'memoryBytes must be a number, a string like "80M", or null' }).nullable();

export const SandboxRef = z.object({ name: SandboxName }).strict();
export const SetCpuLimit = z.object({ name: SandboxName, percent: CpuPercent }).strict();
export const SetMemoryLimit = z.object({ name: SandboxName, bytes: MemoryInput }).strict();
export const CreateSandbox = z
  .object({ name: SandboxName, cpuPercent: CpuPercent.optional(), memoryBytes: MemoryInput.optional() })
  .strict();
export const PatchSandbox = z.object({ cpuPercent: CpuPercent.optional(), memoryBytes: MemoryInput.optional() }).strict();
export const MovePid = z
  .object({ name: SandboxName, pid: z.number({ error: 'pid must be a number' }).int().positive({ error: 'pid must be a positive integer' }) })
  .strict();

export type SandboxRef = z.infer<typeof SandboxRef>;
export type SetCpuLimit = z.infer<typeof SetCpuLimit>;
export type SetMemoryLimit = z.infer<typeof SetMemoryLimit>;
export type CreateSandbox = z.infer<typeof CreateSandbox>;
export type PatchSandbox = z.infer<typeof PatchSandbox>;
export type MovePid = z.infer<typeof MovePid>;

/** One readable sentence from a zod error, for bad_request answers. */
export function describeIssues(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
