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
