'use client';

import type { ReactNode } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBytes } from '@/lib/units/bytes';
import type { SeriesPoint } from '@/lib/store/slices/samples';
import { formatClock } from '@/components/ui/format';
import { AXIS_TICK, ChartFrame, LegendItem, TOOLTIP_STYLE, byteTicks, timeTicks } from './chart-frame';

export interface MemoryChartProps {
  points: SeriesPoint[];
  /** Memory limit in bytes; null = unlimited (no line). */
  limitBytes: number | null;
  /** Soft limit (v1 memory.soft_limit_in_bytes, v2 memory.high) in bytes; null = not set (no line). */
  softLimitBytes?: number | null;
  nowMs: number;
  windowMs: number;
  height?: number;
  /** Details under the chart (the breakdown of usage). */
  footer?: ReactNode;
}

const MiB = 1024 * 1024;

/**
 * Memory usage and working set over time with the limit as a dashed line (and the soft limit, when
 * set and inside the scale, as a dotted one). A null point is a gap.
 */
export function MemoryChart({ points, limitBytes, softLimitBytes = null, nowMs, windowMs, height = 190, footer }: MemoryChartProps) {
  const peak = Math.max(MiB, limitBytes ?? 0, ...points.map((p) => Math.max(p.usageBytes ?? 0, p.workingSetBytes ?? 0)));
  const y = byteTicks(peak * 1.05);
  const last = points.at(-1);
  return (
    <ChartFrame
      testId="memory-chart"
      title="Memory"
      legend={
        <>
          <LegendItem color="var(--color-mem)" label="usage" />
          <LegendItem color="var(--color-ws)" label="working set" />
          <LegendItem color="var(--color-limit)" label={limitBytes === null ? 'no limit' : `limit ${formatBytes(limitBytes)}`} dashed />
          {softLimitBytes !== null && <LegendItem color="var(--color-warn)" label={`soft ${formatBytes(softLimitBytes)}`} dashed />}
        </>
      }
      value={
        <span>
          <span className="text-mem">{formatBytes(last?.usageBytes ?? null)}</span>
          <span className="text-muted"> · ws </span>
          <span className="text-ws">{formatBytes(last?.workingSetBytes ?? null)}</span>
        </span>
      }
      footer={footer}
      chartHeight={height}
    >
      <LineChart data={points} responsive style={{ width: '100%', height: '100%' }} margin={{ top: 4, right: 12, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid stroke="var(--color-line)" strokeDasharray="2 4" vertical={false} />
        <XAxis dataKey="t" type="number" domain={[nowMs - windowMs, nowMs]} ticks={timeTicks(nowMs - windowMs, nowMs)} allowDataOverflow tickFormatter={formatClock} tick={AXIS_TICK} stroke="var(--color-line)" minTickGap={40} />
        <YAxis domain={[0, y.max]} ticks={y.ticks} allowDataOverflow tickFormatter={(v: number) => formatBytes(v)} tick={AXIS_TICK} stroke="var(--color-line)" width={72} />
        <Tooltip
          {...TOOLTIP_STYLE}
          isAnimationActive={false}
          labelFormatter={(t) => formatClock(Number(t))}
          formatter={(v, n) => [formatBytes(v as number | null), n]}
        />
        {limitBytes !== null && <ReferenceLine y={limitBytes} stroke="var(--color-limit)" strokeDasharray="5 4" ifOverflow="extendDomain" />}
        {softLimitBytes !== null && <ReferenceLine y={softLimitBytes} stroke="var(--color-warn)" strokeDasharray="2 3" ifOverflow="hidden" />}
        <Line dataKey="usageBytes" name="usage" stroke="var(--color-mem)" strokeWidth={1.5} dot={false} isAnimationActive={false} connectNulls={false} />
        <Line dataKey="workingSetBytes" name="working set" stroke="var(--color-ws)" strokeWidth={1.25} dot={false} isAnimationActive={false} connectNulls={false} />
      </LineChart>
    </ChartFrame>
  );
}
