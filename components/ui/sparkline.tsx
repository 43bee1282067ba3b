export interface SparklineProps {
  /** Values oldest → newest; null breaks the line (a gap, never a 0). */
  values: Array<number | null>;
  /** Top of the scale; values above it raise the scale. */
  max?: number;
  /** Draws a faint dashed line at this value (e.g. the CPU limit) when it lies inside the scale. */
  mark?: number | null;
  width?: number;
  height?: number;
  color?: string;
  label?: string;
}

/** Tiny SVG line for table rows (cheaper than a Recharts chart per row). */
export function Sparkline({ values, max = 1, mark = null, width = 96, height = 18, color = 'var(--color-cpu)', label }: SparklineProps) {
  const top = Math.max(max, ...values.map((v) => v ?? 0));
  const n = values.length;
  const x = (i: number) => (n <= 1 ? width : (i / (n - 1)) * width);
  const y = (v: number) => height - 1 - (v / top) * (height - 2);
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} className="block">
      <line x1="0" x2={width} y1={height - 0.5} y2={height - 0.5} stroke="var(--color-line)" />
      {mark !== null && mark > 0 && mark < top && (
        <line x1="0" x2={width} y1={y(mark)} y2={y(mark)} stroke="var(--color-limit)" strokeWidth="0.75" strokeDasharray="2 2" opacity="0.7" />
      )}
      {segments.map((pts, i) =>
        pts.includes(' ') ? (
          <polyline key={i} points={pts} fill="none" stroke={color} strokeWidth="1.25" />
        ) : (
          <circle key={i} cx={pts.split(',')[0]} cy={pts.split(',')[1]} r="1" fill={color} />
        ),
      )}
    </svg>
  );
}
