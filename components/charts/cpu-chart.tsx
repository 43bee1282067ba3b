'use client';

import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from '@/lib/store/slices/samples';
import { formatClock, formatPct } from '@/components/ui/format';
import { AXIS_TICK, ChartFrame, LegendItem, TOOLTIP_STYLE, niceCeil, timeTicks } from './chart-frame';

export interface CpuChartProps {
  points: SeriesPoint[];
  /** CPU limit, % of machine; null = unlimited (no line). */
  limitPercent: number | null;
  /** Right edge of the x axis (the newest sample's t), ms. */
  nowMs: number;
  windowMs: number;
  height?: number;
}

/** CPU % of the whole machine over time with the limit as a dashed line. A null point is a gap. */
export function CpuChart({ points, limitPercent, nowMs, windowMs, height = 190 }: CpuChartProps) {
  const peak = Math.max(5, limitPercent ?? 0, ...points.map((p) => p.cpuPercent ?? 0));
  const yMax = Math.min(100, niceCeil(peak * 1.15));
  const current = points.at(-1)?.cpuPercent ?? null;
  return (
    <ChartFrame
      testId="cpu-chart"
      title="CPU · % of machine"
      legend={
        <>
          <LegendItem color="var(--color-cpu)" label="usage" />
          <LegendItem color="var(--color-limit)" label={limitPercent === null ? 'no limit' : `limit ${formatPct(limitPercent)}`} dashed />
        </>
      }
      value={<span className="text-cpu">{formatPct(current)}</span>}
    >
      <LineChart data={points} responsive style={{ width: '100%', height }} margin={{ top: 4, right: 12, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid stroke="var(--color-line)" strokeDasharray="2 4" vertical={false} />
        <XAxis dataKey="t" type="number" domain={[nowMs - windowMs, nowMs]} ticks={timeTicks(nowMs - windowMs, nowMs)} allowDataOverflow tickFormatter={formatClock} tick={AXIS_TICK} stroke="var(--color-line)" minTickGap={40} />
        <YAxis domain={[0, yMax]} allowDataOverflow tickFormatter={(v: number) => `${v}%`} tick={AXIS_TICK} stroke="var(--color-line)" width={44} />
        <Tooltip {...TOOLTIP_STYLE} isAnimationActive={false} labelFormatter={(t) => formatClock(Number(t))} formatter={(v) => [formatPct(v as number | null), 'CPU']} />
        {limitPercent !== null && <ReferenceLine y={limitPercent} stroke="var(--color-limit)" strokeDasharray="5 4" ifOverflow="extendDomain" />}
        <Line dataKey="cpuPercent" name="CPU" stroke="var(--color-cpu)" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
      </LineChart>
    </ChartFrame>
  );
}
