'use client';

import type { ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from '@/lib/store/slices/samples';
import { formatCpus, type CpuCeiling } from '@/lib/units/cpu';
import { formatClock, formatPct } from '@/components/ui/format';
import { AXIS_TICK, ChartFrame, LegendItem, TOOLTIP_STYLE, niceCeil, timeTicks } from './chart-frame';

export interface CpuChartProps {
  points: SeriesPoint[];
  /** CPU limit (the CFS quota), % of machine; null = unlimited (no line). */
  limitPercent: number | null;
  /**
   * The group's real ceiling (cpuCeiling()): when it is lower than the quota line (or than 100 % without
   * a quota), because the cpuset allows fewer CPUs or a parent holds it, it is drawn as a second dashed line.
   */
  ceiling?: CpuCeiling | null;
  /** Right edge of the x axis (the newest sample's t), ms. */
  nowMs: number;
  windowMs: number;
  height?: number;
  /** Details under the chart (throttling counters). */
  footer?: ReactNode;
}

/** Legend swatch for a filled (stacked) series. */
function AreaLegend({ color, label }: { color: string; label: string }) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <svg width="10" height="10" aria-hidden="true">
        <rect x="0.5" y="0.5" width="9" height="9" fill={color} fillOpacity="0.45" stroke={color} />
      </svg>
      {label}
    </span>
  );
}

/**
 * CPU % of the whole machine over time: user and system time stacked (htop's green and red) under the
 * total usage line, with the limit as a dashed line and, when the cpuset allows less than that, the
 * effective ceiling as a second one (legend "cpuset 50.0% (1 CPU)"; without a quota it stands alone). A null point is a gap in every series. When the
 * kernel gives no user/system split, only the usage line is drawn.
 */
export function CpuChart({ points, limitPercent, ceiling = null, nowMs, windowMs, height = 190, footer }: CpuChartProps) {
  // Only a ceiling below the quota line gets a line of its own.
  const lower = ceiling !== null && ceiling.percent !== null && ceiling.source !== 'quota' && ceiling.percent < (limitPercent ?? 100) ? ceiling : null;
  const lowerLabel =
    lower === null
      ? null
      : lower.source === 'cpuset'
        ? `cpuset ${formatPct(lower.percent)}${lower.cpusetCpus === null ? '' : ` (${formatCpus(lower.cpusetCpus)})`}`
        : `ceiling ${formatPct(lower.percent)} (inherited)`;
  const peak = Math.max(
    5,
    limitPercent ?? 0,
    lower?.percent ?? 0,
    ...points.map((p) => Math.max(p.cpuPercent ?? 0, (p.cpuUserPercent ?? 0) + (p.cpuSystemPercent ?? 0))),
  );
  const yMax = Math.min(100, niceCeil(peak * 1.15));
  const current = points.at(-1)?.cpuPercent ?? null;
  const hasSplit = points.some((p) => p.cpuUserPercent !== null || p.cpuSystemPercent !== null);
  return (
    <ChartFrame
      testId="cpu-chart"
      title="CPU · % of machine"
      legend={
        <>
          {hasSplit && <AreaLegend color="var(--color-user)" label="user" />}
          {hasSplit && <AreaLegend color="var(--color-sys)" label="system" />}
          <LegendItem color={hasSplit ? 'var(--color-fg)' : 'var(--color-cpu)'} label="usage" />
          {(limitPercent !== null || lower === null) && (
            <LegendItem color="var(--color-limit)" label={limitPercent === null ? 'no limit' : `limit ${formatPct(limitPercent)}`} dashed />
          )}
          {lower !== null && lowerLabel !== null && <LegendItem color="var(--color-ceiling)" label={lowerLabel} dashed="2 2" />}
        </>
      }
      value={<span className="text-cpu">{formatPct(current)}</span>}
      footer={footer}
      chartHeight={height}
    >
      <ComposedChart data={points} responsive style={{ width: '100%', height: '100%' }} margin={{ top: 4, right: 12, bottom: 0, left: 0 }} accessibilityLayer>
        <CartesianGrid stroke="var(--color-line)" strokeDasharray="2 4" vertical={false} />
        <XAxis dataKey="t" type="number" domain={[nowMs - windowMs, nowMs]} ticks={timeTicks(nowMs - windowMs, nowMs)} allowDataOverflow tickFormatter={formatClock} tick={AXIS_TICK} stroke="var(--color-line)" minTickGap={40} />
        <YAxis domain={[0, yMax]} allowDataOverflow tickFormatter={(v: number) => `${v}%`} tick={AXIS_TICK} stroke="var(--color-line)" width={44} />
        <Tooltip
          {...TOOLTIP_STYLE}
          isAnimationActive={false}
          labelFormatter={(t) => formatClock(Number(t))}
          formatter={(v, n) => [formatPct(v as number | null), n]}
        />
        {limitPercent !== null && <ReferenceLine y={limitPercent} stroke="var(--color-limit)" strokeDasharray="5 4" ifOverflow="extendDomain" />}
        {lower !== null && <ReferenceLine y={lower.percent!} stroke="var(--color-ceiling)" strokeDasharray="2 3" strokeWidth={1.5} ifOverflow="extendDomain" />}
        {hasSplit && (
          <Area dataKey="cpuUserPercent" name="user" stackId="split" stroke="var(--color-user)" strokeWidth={0.75} fill="var(--color-user)" fillOpacity={0.35} dot={false} activeDot={false} isAnimationActive={false} connectNulls={false} />
        )}
        {hasSplit && (
          <Area dataKey="cpuSystemPercent" name="system" stackId="split" stroke="var(--color-sys)" strokeWidth={0.75} fill="var(--color-sys)" fillOpacity={0.45} dot={false} activeDot={false} isAnimationActive={false} connectNulls={false} />
        )}
        <Line dataKey="cpuPercent" name="usage" stroke={hasSplit ? 'var(--color-fg)' : 'var(--color-cpu)'} strokeWidth={hasSplit ? 1.25 : 1.5} dot={false} isAnimationActive={false} connectNulls={false} />
      </ComposedChart>
    </ChartFrame>
  );
}
