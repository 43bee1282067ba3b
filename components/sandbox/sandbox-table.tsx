import type { ReactNode } from 'react';
import type { SortKey, SortSpec } from '@/lib/store/selectors';

export interface SandboxTableProps {
  sort: SortSpec;
  onSort: (key: SortKey) => void;
  /** Top of the shared sparkline scale, % of machine (shown in the column header). */
  sparkMax: number;
  children: ReactNode;
}

/**
 * A sortable column header. The button fills the whole cell (the padding lives on the button, not the
 * th), so a click anywhere in the cell sorts; aria-sort stays on the th.
 */
function SortHeader({ label, k, sort, onSort, align = 'left', title }: { label: string; k: SortKey; sort: SortSpec; onSort: (k: SortKey) => void; align?: 'left' | 'right'; title?: string }) {
  const active = sort.key === k;
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} className="p-0" title={title}>
      <button
        type="button"
        onClick={() => onSort(k)}
        className={`block w-full px-1.5 py-1 lg:px-2 uppercase tracking-wide hover:bg-panel-2 hover:text-fg ${align === 'right' ? 'text-right' : 'text-left'} ${active ? 'text-cpu' : ''}`}
      >
        {label}
        <span aria-hidden="true">{active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
}

function Th({ children, align = 'left', title }: { children: ReactNode; align?: 'left' | 'right'; title?: string }) {
  return (
    <th scope="col" title={title} className={`px-1.5 py-1 lg:px-2 font-normal uppercase tracking-wide ${align === 'right' ? 'text-right' : 'text-left'}`}>
      {children}
    </th>
  );
}

/** The overview table frame: sortable headers (name, CPU, memory, IO) and the rows (sandboxes and, under an expanded one, its child groups) as children. */
export function SandboxTable({ sort, onSort, sparkMax, children }: SandboxTableProps) {
  return (
    <table className="w-full border-collapse text-[12px] lg:text-[12.5px]" aria-label="Sandboxes">
      <thead className="sticky top-0 z-10 bg-cpu/15 text-left text-[11.5px] text-muted">
        <tr className="border-b border-line">
          <SortHeader label="Name" k="name" sort={sort} onSort={onSort} />
          <SortHeader label="CPU % of machine" k="cpu" sort={sort} onSort={onSort} />
          <Th align="right" title="CPU ceiling, % of machine: the CFS quota, or the lower ceiling a cpuset (fewer CPUs) or a parent group sets, named in brackets; ∞ = none">Limit</Th>
          <Th align="right" title="CPU in use, cores">Cores</Th>
          <SortHeader label="Memory / limit" k="memory" sort={sort} onSort={onSort} />
          <Th align="right" title="Usage minus inactive file cache">Working set</Th>
          <SortHeader label="IO r/w" k="io" sort={sort} onSort={onSort} align="right" title="Block I/O over the last interval: read / write bytes per second (K, M, G = KiB, MiB, GiB)" />
          <Th align="right">Pids</Th>
          <Th>State</Th>
          <Th title={`CPU % of machine over the last minute; every row on the same scale, 0–${sparkMax}%`}>
            CPU 60 s <span className="whitespace-nowrap normal-case text-dim">0–{sparkMax}%</span>
          </Th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** Shown instead of the table when the agent reports no sandboxes. */
export function SandboxEmptyState({ agentUrl }: { agentUrl?: string }) {
  const url = agentUrl ?? 'http://127.0.0.1:7070';
  return (
    <div className="mx-3 my-6 max-w-3xl space-y-2 border border-dashed border-line p-4">
      <p className="font-bold text-fg">No sandboxes yet.</p>
      <p className="text-muted">
        A sandbox is a cgroup under the agent&apos;s managed parent. Create one through the agent&apos;s HTTP API (on the server), then
        move processes into it:
      </p>
      <pre className="overflow-x-auto bg-panel-2 p-2 text-[11.5px] text-fg">
        {`TOKEN=$(sudo cat /var/lib/cgdash/agent.token)
curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
     -d '{"name":"bob","cpuPercent":25,"memoryBytes":"512M"}' ${url}/api/v1/sandboxes
curl -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
     -d '{"pid":12345}' ${url}/api/v1/sandboxes/bob/procs`}
      </pre>
      <p className="text-muted">
        Or run <code className="text-fg">npm run demo</code> to start three demo tenants.
      </p>
    </div>
  );
}
