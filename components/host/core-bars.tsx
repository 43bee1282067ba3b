import { levelColor } from '@/components/ui/meter';
import { formatPct } from '@/components/ui/format';

/** One htop-style bar: label [|||||     23.4%]. */
export function HtopBar({ label, percent, text, color, title }: { label: string; percent: number | null; text: string; color?: string; title?: string }) {
  const fill = percent === null ? 0 : Math.max(0, Math.min(100, percent));
  return (
    <div className="flex items-center gap-1.5" title={title}>
      <span className="w-7 shrink-0 text-right text-mem">{label}</span>
      <span className="text-muted">[</span>
      <div className="relative h-3 flex-1 bg-panel-2">
        <div className="absolute inset-y-0 left-0" style={{ width: `${fill}%`, background: color ?? levelColor(percent) }} />
        <span className="absolute inset-y-0 right-1 text-[11px] leading-3 text-fg [text-shadow:0_0_2px_var(--color-bg),0_0_2px_var(--color-bg)]">{text}</span>
      </div>
      <span className="text-muted">]</span>
    </div>
  );
}

/** Per-CPU busy bars in columns, like htop's header. */
export function CoreBars({ perCpuPercent }: { perCpuPercent: Array<number | null> }) {
  const columns = perCpuPercent.length > 16 ? 4 : perCpuPercent.length > 4 ? 2 : 1;
  return (
    <div className="grid gap-x-4 gap-y-0.5" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }} data-testid="core-bars">
      {perCpuPercent.map((p, i) => (
        <HtopBar key={i} label={String(i)} percent={p} text={formatPct(p)} title={`CPU ${i}: ${formatPct(p)} busy`} />
      ))}
    </div>
  );
}
