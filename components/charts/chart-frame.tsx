import type { ReactNode } from 'react';

/** Legend entry: a short coloured line (dashed for limits) and a label. */
export function LegendItem({ color, label, dashed = false }: { color: string; label: string; dashed?: boolean }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <svg width="16" height="6" aria-hidden="true">
        <line x1="0" x2="16" y1="3" y2="3" stroke={color} strokeWidth="2" strokeDasharray={dashed ? '4 3' : undefined} />
      </svg>
      {label}
    </span>
  );
}

/** Titled panel around a chart, with a legend and the current value on the right. */
export function ChartFrame({ title, legend, value, testId, children }: { title: string; legend: ReactNode; value?: ReactNode; testId: string; children: ReactNode }) {
  return (
    <figure className="border border-line bg-panel" data-testid={testId}>
      <figcaption className="flex flex-wrap items-center gap-x-4 gap-y-1 border-b border-line px-2 py-1">
        <span className="font-bold text-fg">{title}</span>
        <span className="flex gap-3 text-[11px] text-muted">{legend}</span>
        {value !== undefined && <span className="ml-auto">{value}</span>}
      </figcaption>
      <div className="px-1 pt-2">{children}</div>
    </figure>
  );
}

export const AXIS_TICK = { fill: 'var(--color-muted)', fontSize: 10.5, fontFamily: 'var(--font-mono)' } as const;
export const TOOLTIP_STYLE = {
  contentStyle: { background: 'var(--color-panel-2)', border: '1px solid var(--color-line)', fontSize: 11.5, fontFamily: 'var(--font-mono)', padding: '4px 8px' },
  labelStyle: { color: 'var(--color-muted)' },
  itemStyle: { padding: 0 },
} as const;

/** Rounds a chart maximum up to a readable value (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^n). */
export function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (v <= m * p + 1e-9) return m * p;
  return 10 * p;
}

/** Time ticks on whole minutes (or every 30 s for short windows) inside [startMs, endMs]. */
export function timeTicks(startMs: number, endMs: number): number[] {
  const step = endMs - startMs > 3 * 60_000 ? 60_000 : 30_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(startMs / step) * step; t <= endMs; t += step) ticks.push(t);
  return ticks;
}

const MiB = 1024 * 1024;
/** Power-of-two byte steps, so memory ticks read 256 MiB, 512 MiB, 1 GiB… */
const BYTE_STEPS = Array.from({ length: 40 }, (_, i) => 2 ** i * MiB);

/** Upper bound and ticks (≤ 6) for a byte axis that must show `peak`. */
export function byteTicks(peak: number): { max: number; ticks: number[] } {
  const step = BYTE_STEPS.find((s) => peak / s <= 5) ?? BYTE_STEPS[BYTE_STEPS.length - 1];
  const max = Math.max(step, Math.ceil(peak / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  return { max, ticks };
}
