/** Colour of a usage bar by level, htop-style: green, then yellow above 70 %, red above 90 %. */
export function levelColor(percent: number | null): string {
  if (percent === null) return 'var(--color-dim)';
  if (percent >= 90) return 'var(--color-cpu-crit)';
  if (percent >= 70) return 'var(--color-cpu-hi)';
  return 'var(--color-cpu)';
}

export interface MeterProps {
  /** Fill, 0–100; null draws an empty, hatched bar (unknown). */
  percent: number | null;
  /** Optional limit mark, 0–100 of the same scale (e.g. the CPU limit). */
  markPercent?: number | null;
  color?: string;
  /** Accessible description, e.g. "CPU 23 % of machine, limit 50 %". */
  title?: string;
  className?: string;
}

/** A thin horizontal usage bar with an optional limit tick; purely visual (text sits beside it). */
export function Meter({ percent, markPercent = null, color, title, className = '' }: MeterProps) {
  const fill = percent === null ? 0 : Math.max(0, Math.min(100, percent));
  return (
    <div className={`relative h-2.5 min-w-12 bg-panel-2 outline outline-1 outline-line ${className}`} title={title} aria-hidden="true">
      <div className="absolute inset-y-0 left-0" style={{ width: `${fill}%`, background: color ?? levelColor(percent) }} />
      {markPercent !== null && (
        <div
          className="absolute -inset-y-0.5 w-0.5"
          style={{ left: `calc(${Math.max(0, Math.min(100, markPercent))}% - 1px)`, background: 'var(--color-limit)' }}
        />
      )}
    </div>
  );
}
