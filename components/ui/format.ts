/** Display helpers shared by presentational components. Pure. */

/** htop-style uptime: "3 days, 04:12:09" or "04:12:09". */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

/** "12.3" with a fixed number of digits; null → "—". */
export function formatNumber(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits);
}

/** Percent value for dense table cells: "12.3%" (no space), null → "—". */
export function formatPct(n: number | null | undefined, digits = 1): string {
  return n === null || n === undefined ? '—' : `${n.toFixed(digits)}%`;
}

/** Clock time for chart axes: "14:03:27". */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * htop's START column, in local time: "14:03" for a process started today, "Dec 03" for one started
 * earlier in the last year, "2025" for older ones; null → "—".
 */
export function formatStartTime(startMs: number | null, nowMs: number): string {
  if (startMs === null || !Number.isFinite(startMs)) return '—';
  const d = new Date(startMs);
  const now = new Date(nowMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate()) {
    return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
  if (nowMs - startMs < 364 * 86_400_000) return `${MONTHS[d.getMonth()]} ${pad(d.getDate())}`;
  return String(d.getFullYear());
}

/**
 * The "[EBUSY memory.limit_in_bytes]" shown after a command error, or '' when it would repeat the
 * message: nothing once the message names the errno, otherwise only the parts it does not name.
 */
export function errorDetailSuffix(message: string, errno?: string, file?: string): string {
  if (errno && message.includes(errno)) return '';
  const parts = [errno, file].filter((p): p is string => !!p && !message.includes(p));
  return parts.length ? `[${parts.join(' ')}]` : '';
}

/** A byte rate: "0 B/s", "812 B/s", "1.5 MiB/s" (binary units, as formatBytes); null → "—". */
export function formatByteRate(bytesPerSec: number | null | undefined): string {
  if (bytesPerSec === null || bytesPerSec === undefined || !Number.isFinite(bytesPerSec)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytesPerSec;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${Math.round(v)} B/s` : `${v.toFixed(1)} ${units[i]}/s`;
}

/** Operations per second: "0/s", "2.5/s", "340/s"; null → "—". */
export function formatOpsRate(opsPerSec: number | null | undefined): string {
  if (opsPerSec === null || opsPerSec === undefined || !Number.isFinite(opsPerSec)) return '—';
  return `${opsPerSec !== 0 && Math.abs(opsPerSec) < 10 ? opsPerSec.toFixed(1) : Math.round(opsPerSec)}/s`;
}

/** A cumulative counter with thousands separators: "1,234,567"; null → "—" (never 0). */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : Math.round(n).toLocaleString('en-US');
}

/** A duration in seconds: "0.42 s", "59.9 s", "2m 05s", "3h 07m"; null → "—". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const pad = (n: number) => String(n).padStart(2, '0');
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.floor(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
}

/** A byte rate for narrow table cells, binary units without "/s": "0", "812B", "12.5K", "512K", "1.2M"; null → "—". */
export function formatByteRateShort(bytesPerSec: number | null | undefined): string {
  if (bytesPerSec === null || bytesPerSec === undefined || !Number.isFinite(bytesPerSec)) return '—';
  if (bytesPerSec === 0) return '0';
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = bytesPerSec;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  // 1023.96 K would round to "1024K": say "1.0M" instead.
  if (i < units.length - 1 && Number(v.toFixed(digits)) >= 1024) return `1.0${units[i + 1]}`;
  return `${v.toFixed(digits)}${units[i]}`;
}
