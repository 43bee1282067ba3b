import type { SandboxSample } from '@/lib/protocol';
import { countDescendants, flattenTree, groupLeaf } from '@/lib/store/tree';
import { formatBytes } from '@/lib/units/bytes';
import { cpuCeiling, cpuCeilingParts, describeCpuCeiling } from '@/lib/units/cpu';
import { Meter } from '@/components/ui/meter';
import { formatPct } from '@/components/ui/format';

const BY_NAME = { key: 'name', dir: 'asc' } as const;
const INDENT_PX = 14;

function Th({ children, align = 'left', title }: { children: string; align?: 'left' | 'right'; title?: string }) {
  return (
    <th scope="col" title={title} className={`px-2 py-0.5 font-normal whitespace-nowrap ${align === 'right' ? 'text-right' : 'text-left'}`}>
      {children}
    </th>
  );
}

/**
 * The child groups of one sandbox (made inside it by other tools) as a small, fully open tree in name
 * order: the sandbox first with its totals, then every child group indented under its parent with its
 * own CPU, ceiling, memory and pids. Read-only: commands take the sandbox only. Renders nothing
 * without children.
 */
export function ChildGroups({ sample, cpuCount = null }: { sample: SandboxSample; cpuCount?: number | null }) {
  const count = countDescendants(sample);
  if (count === 0) return null;
  const rows = flattenTree([sample], BY_NAME, 'all');
  return (
    <section aria-label="Child groups" data-testid="child-groups" className="border border-line bg-panel">
      <h2 className="flex flex-wrap items-baseline gap-x-3 border-b border-line px-2 py-1">
        <span className="font-bold">Child groups</span>
        <span className="text-muted">{count === 1 ? '1 group' : `${count} groups`}</span>
        <span className="text-dim">read-only: commands apply to the whole sandbox · {sample.name}&apos;s numbers include them</span>
      </h2>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse" aria-label="Child groups">
          <thead className="bg-cpu/15 text-[11.5px] text-muted">
            <tr>
              <Th>GROUP</Th>
              <Th title="CPU used over the last interval, % of the whole machine">CPU %</Th>
              <Th align="right" title="CPU ceiling, % of machine: the group's quota, or the lower ceiling its cpuset or a parent sets; ∞ = none">LIMIT</Th>
              <Th title="Memory charged to the group / its memory limit">MEMORY</Th>
              <Th align="right" title="Processes in the group and its child groups">PIDS</Th>
              {/* Takes the spare width, so the numbers stay next to the names. */}
              <th aria-hidden="true" className="w-full" />
            </tr>
          </thead>
          <tbody>
            {rows.map(({ path, depth, sample: g }) => {
              const ceiling = cpuCeiling(g.cpu, cpuCount);
              const limit = cpuCeilingParts(ceiling, 0);
              return (
                <tr key={path} data-testid={`child-group-${path}`} className="border-b border-line/40 hover:bg-panel-2">
                  <td className="max-w-72 px-2 py-px">
                    <div className="flex min-w-0 items-center" style={depth ? { paddingLeft: (depth - 1) * INDENT_PX } : undefined} title={path}>
                      {depth > 0 && <span aria-hidden="true" className="mr-1 text-dim">└</span>}
                      <span className={`truncate ${depth === 0 ? 'font-bold text-fg' : 'text-fg'}`}>{depth === 0 ? path : groupLeaf(path)}</span>
                      {depth === 0 && <span className="ml-1.5 text-dim">(total)</span>}
                    </div>
                  </td>
                  <td className="px-2 py-px">
                    <div className="flex items-center gap-2">
                      <Meter className="w-16 lg:w-24" percent={g.cpu.usagePercent} markPercent={ceiling.percent} />
                      <span className="w-12 whitespace-nowrap text-right">{formatPct(g.cpu.usagePercent)}</span>
                    </div>
                  </td>
                  <td className="whitespace-nowrap px-2 py-px text-right text-muted" title={describeCpuCeiling(ceiling, g.cpu.limitPercent)}>
                    {limit.value}
                    {limit.note !== null && <span className="text-[11px] text-ceiling"> ({limit.note})</span>}
                  </td>
                  <td className="whitespace-nowrap px-2 py-px">
                    <span className="text-mem">{formatBytes(g.memory.usageBytes)}</span>
                    <span className="text-muted"> / {g.memory.limitBytes === null ? '∞' : formatBytes(g.memory.limitBytes)}</span>
                  </td>
                  <td className="px-2 py-px text-right">{g.pids ?? '—'}</td>
                  <td aria-hidden="true" />
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
