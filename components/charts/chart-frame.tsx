import type { ReactNode } from 'react';

/** Legend entry: a short coloured line (dashed for limits; a string is its own dash pattern) and a label. */
export function LegendItem({ color, label, dashed = false }: { color: string; label: string; dashed?: boolean | string }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <svg width="16" height="6" aria-hidden="true">
        <line x1="0" x2="16" y1="3" y2="3" stroke={color} strokeWidth="2" strokeDasharray={typeof dashed === 'string' ? dashed : dashed ? '4 3' : undefined} />
      </svg>
      {label}
    </span>
  );
}

export interface ChartFrameProps {
  title: string;
  legend: ReactNode;
  value?: ReactNode;
  testId: string;
  /**
   * The chart. With `chartHeight` it must fill its box (height 100%): the box is at least chartHeight
   * px tall and grows with the frame (e.g. to match a taller neighbour in the same grid row).
   */
  children: ReactNode;
  chartHeight?: number;
  /** Numbers shown under the chart (details that have no time series), inside the same frame. */
  footer?: ReactNode;
}

/**
 * Titled panel around a chart: title and current value on the first caption line, the legend on the
 * second (so side-by-side charts keep the same caption height), optional details below the chart.
 * The value stays last in the caption's text (the legend is moved down with CSS order only).
 */
export function ChartFrame({ title, legend, value, testId, children, chartHeight, footer }: ChartFrameProps) {
  return (
    <figure className="flex min-w-0 flex-col border border-line bg-panel" data-testid={testId}>
      <figcaption className="flex flex-wrap items-baseline gap-x-4 border-b border-line px-2 pt-1 pb-0.5">
        <span className="order-1 font-bold text-fg">{title}</span>
        <span className="order-3 flex basis-full flex-wrap gap-x-3 text-[11px] leading-4 text-muted">{legend}</span>
        {value !== undefined && <span className="order-2 ml-auto whitespace-nowrap">{value}</span>}
      </figcaption>
      {chartHeight === undefined ? (
        <div className="px-1 pt-2">{children}</div>
      ) : (
        <div className="relative flex-1" style={{ minHeight: chartHeight + 8 }}>
          <div className="absolute inset-0 px-1 pt-2">{children}</div>
        </div>
      )}
      {footer !== undefined && <div className="border-t border-line/70 px-2 py-1.5">{footer}</div>}
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

/** Power-of-two byte-rate steps from 1 B/s, so rate ticks read 256 B/s, 512 KiB/s, 2 MiB/s… */
const RATE_STEPS = Array.from({ length: 44 }, (_, i) => 2 ** i);

/**
 * Upper bound and ticks (≤ 5) for a bytes/s axis that must show `peak`. The axis is never shorter
 * than 1 KiB/s, so an idle group draws a flat line at the bottom rather than noise blown up to full height.
 */
export function rateTicks(peak: number): { max: number; ticks: number[] } {
  const top = Math.max(1024, Number.isFinite(peak) ? peak : 0);
  const step = RATE_STEPS.find((s) => top / s <= 4) ?? RATE_STEPS[RATE_STEPS.length - 1];
  const max = Math.ceil(top / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  return { max, ticks };
}
