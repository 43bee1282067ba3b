/**
 * Byte quantities as operators type them. Suffixes are binary, as the kernel's memparse() and
 * libcgroup's cgset read them: "80M" = 80 × 1024 × 1024 bytes, the same as
 * `cgset -r memory.limit_in_bytes=80M`. "Ki"/"KiB"/"KB" spellings are accepted as synonyms.
 */
const SCALE: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** Largest byte count we accept (2^53 − 1 keeps JSON numbers exact; far above any real RAM). */
export const MAX_BYTES = Number.MAX_SAFE_INTEGER;

/**
 * Parses "80M", "1.5G", "512k", "1048576" or a non-negative integer number into bytes.
 * Returns an error sentence instead of throwing, so callers can report it as bad input.
 */
export function parseBytes(input: number | string): { ok: true; bytes: number } | { ok: false; message: string } {
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input <= 0) return { ok: false, message: `Memory limit must be a positive whole number of bytes, got ${input}.` };
    return { ok: true, bytes: input };
  }
  // Trim first and allow at most one space before the unit: no two adjacent \s* runs, so the match stays linear.
  const m = /^(\d+(?:\.\d+)?) ?([kmgt]?)(?:i?b)?$/i.exec(input.trim());
  if (!m) return { ok: false, message: `Cannot read "${input}" as a memory size; use bytes or a number with K, M, G or T (e.g. 80M).` };
  const bytes = Math.floor(Number(m[1]) * SCALE[m[2].toUpperCase()]);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) return { ok: false, message: `Memory limit "${input}" is out of range.` };
  return { ok: true, bytes };
}

/** Formats bytes for people: 83886080 → "80.0 MiB". null → "—". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}
