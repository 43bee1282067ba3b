import type { PressureSample, SandboxSample } from '@/lib/protocol';
import { Meter } from '@/components/ui/meter';
import { formatPct } from '@/components/ui/format';
import { PSI_BADGE_PERCENT, PSI_SEVERE_PERCENT } from './state-badges';

export const PSI_NOT_AVAILABLE = 'not available (needs cgroup v2 or a unified-hierarchy group)';

const RESOURCES = ['cpu', 'memory', 'io'] as const;

function tone(v: number | null): string {
  if (v === null) return 'text-dim';
  if (v >= PSI_SEVERE_PERCENT) return 'text-danger';
  if (v > PSI_BADGE_PERCENT) return 'text-warn';
  return 'text-fg';
}

function barColor(v: number | null): string {
  if (v === null) return 'var(--color-dim)';
  if (v >= PSI_SEVERE_PERCENT) return 'var(--color-danger)';
  if (v > PSI_BADGE_PERCENT) return 'var(--color-warn)';
  return 'var(--color-cpu)';
}

function Cell({ v }: { v: number | null }) {
  return <td className={`whitespace-nowrap px-1.5 text-right ${tone(v)}`}>{formatPct(v, 2)}</td>;
}

/**
 * Pressure stall information of one sandbox: some/full avg10/avg60 for cpu, memory and io, % of wall
 * time stalled. A resource the kernel gives no pressure file for says so instead of showing 0.
 * Test id: pressure-panel.
 */
export function PressurePanel({ pressure }: { pressure: SandboxSample['pressure'] }) {
  const none = RESOURCES.every((r) => pressure[r] === null);
  return (
    <section aria-label="Pressure" data-testid="pressure-panel" className="flex min-w-0 flex-col border border-line bg-panel">
      <h2 className="flex flex-wrap items-baseline gap-x-3 border-b border-line px-2 py-1">
        <span className="font-bold text-fg">Pressure (PSI)</span>
        <span className="text-[11px] text-muted">% of wall time stalled</span>
      </h2>
      {none ? (
        <p className="px-2 py-2 text-muted">
          <span className="font-bold text-fg">PSI</span> {PSI_NOT_AVAILABLE}.
        </p>
      ) : (
        <div className="p-1">
        <table className="w-full border-collapse text-[11.5px]" aria-label="Pressure stall information">
          <thead className="text-dim">
            <tr>
              <th scope="col" rowSpan={2} className="px-1.5 text-left align-bottom font-normal">
                resource
              </th>
              <th scope="col" rowSpan={2} className="px-1.5 text-left align-bottom font-normal">
                some avg10
              </th>
              <th scope="colgroup" colSpan={2} className="px-1.5 text-center font-normal" title="some: at least one task was stalled on the resource">
                <span className="block border-b border-line/70">some</span>
              </th>
              <th scope="colgroup" colSpan={2} className="px-1.5 text-center font-normal" title="full: all non-idle tasks were stalled at once">
                <span className="block border-b border-line/70">full</span>
              </th>
            </tr>
            <tr>
              <th scope="col" className="px-1.5 text-right font-normal" title="Average over the last 10 s">
                avg10
              </th>
              <th scope="col" className="px-1.5 text-right font-normal" title="Average over the last 60 s">
                avg60
              </th>
              <th scope="col" className="px-1.5 text-right font-normal" title="Average over the last 10 s">
                avg10
              </th>
              <th scope="col" className="px-1.5 text-right font-normal" title="Average over the last 60 s">
                avg60
              </th>
            </tr>
          </thead>
          <tbody>
            {RESOURCES.map((r) => {
              const p: PressureSample | null = pressure[r];
              return (
                <tr key={r} className="border-t border-line/50">
                  <th scope="row" className="px-1.5 text-left font-normal text-muted">
                    {r}
                  </th>
                  {p === null ? (
                    <td colSpan={5} className="px-1.5 text-dim">
                      {PSI_NOT_AVAILABLE}
                    </td>
                  ) : (
                    <>
                      <td className="w-full min-w-12 px-1.5">
                        <Meter percent={p.someAvg10} color={barColor(p.someAvg10)} title={`some avg10 ${formatPct(p.someAvg10, 2)}`} />
                      </td>
                      <Cell v={p.someAvg10} />
                      <Cell v={p.someAvg60} />
                      <Cell v={p.fullAvg10} />
                      <Cell v={p.fullAvg60} />
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}
