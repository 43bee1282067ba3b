'use client';

import type { ReactNode } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from '@/lib/store/slices/samples';
import { formatByteRate, formatClock } from '@/components/ui/format';
import { AXIS_TICK, ChartFrame, LegendItem, TOOLTIP_STYLE, rateTicks, timeTicks } from './chart-frame';

export interface IoChartProps {
  points: SeriesPoint[];
  /** False when the kernel gives this group no block I/O accounting: a message replaces the chart. */
  accounted: boolean;
  nowMs: number;
  windowMs: number;
  height?: number;
  /** Details under the chart (ops/s, per-device rates). */
  footer?: ReactNode;
}

/** Block I/O read and write bytes/s over time (all devices). A null point is a gap. Test id: io-chart. */
export function IoChart({ points, accounted, nowMs, windowMs, height = 96, footer }: IoChartProps) {
  const peak = Math.max(0, ...points.map((p) => Math.max(p.ioReadBytesPerSec ?? 0, p.ioWriteBytesPerSec ?? 0)));
  const y = rateTicks(peak * 1.05);
  const last = points.at(-1);
  return (
    <ChartFrame
      testId="io-chart"
      title="Block I/O · bytes/s"
      legend={
        <>
          <LegendItem color="var(--color-read)" label="read" />
          <LegendItem color="var(--color-write)" label="write" />
        </>
      }
      value={
        accounted ? (
          <span>
            <span className="text-muted">R </span>
            <span className="text-read">{formatByteRate(last?.ioReadBytesPerSec ?? null)}</span>
            <span className="text-muted"> · W </span>
            <span className="text-write">{formatByteRate(last?.ioWriteBytesPerSec ?? null)}</span>
          </span>
        ) : undefined
      }
      footer={footer}
      chartHeight={accounted ? height : undefined}
    >
      {accounted ? (
        <LineChart data={points} responsive style={{ width: '100%', height: '100%' }} margin={{ top: 4, right: 12, bottom: 0, left: 0 }} accessibilityLayer>
          <CartesianGrid stroke="var(--color-line)" strokeDasharray="2 4" vertical={false} />
          <XAxis dataKey="t" type="number" domain={[nowMs - windowMs, nowMs]} ticks={timeTicks(nowMs - windowMs, nowMs)} allowDataOverflow tickFormatter={formatClock} tick={AXIS_TICK} stroke="var(--color-line)" minTickGap={40} />
          <YAxis domain={[0, y.max]} ticks={[0, y.max / 2, y.max]} allowDataOverflow tickFormatter={(v: number) => formatByteRate(v)} tick={AXIS_TICK} stroke="var(--color-line)" width={72} />
          <Tooltip {...TOOLTIP_STYLE} isAnimationActive={false} labelFormatter={(t) => formatClock(Number(t))} formatter={(v, n) => [formatByteRate(v as number | null), n]} />
          <Line dataKey="ioReadBytesPerSec" name="read" stroke="var(--color-read)" strokeWidth={1.25} dot={false} isAnimationActive={false} connectNulls={false} />
          <Line dataKey="ioWriteBytesPerSec" name="write" stroke="var(--color-write)" strokeWidth={1.25} dot={false} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      ) : (
        <p className="px-1 pb-2 text-muted">
          <span className="font-bold text-fg">No block I/O accounting</span> for this group: the kernel gives it neither blkio.throttle.io_service_bytes (v1) nor io.stat (v2).
        </p>
      )}
    </ChartFrame>
  );
}
