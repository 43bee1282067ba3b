'use client';

import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { SandboxEmptyState, SandboxTable } from '@/components/sandbox/sandbox-table';
import { SandboxRow } from '@/components/sandbox/sandbox-row';
import { useDashboard } from '@/components/providers/dashboard-providers';
import { selectSortedNames, selectSparkScale, type SortKey, type SortSpec } from '@/lib/store/selectors';

/** Points in the row sparkline: one minute at the agent's 1 s interval. */
const SPARK_POINTS = 60;

/** One row, subscribed to its own sandbox only, so a sample for bob re-renders only bob. */
function SandboxRowLive({ name, sparkMax }: { name: string; sparkMax: number }) {
  const sample = useDashboard((s) => s.latest[name]);
  const memTotalBytes = useDashboard((s) => s.host?.memTotalBytes ?? null);
  const cpuHistory = useDashboard(useShallow((s) => (s.series[name] ?? []).slice(-SPARK_POINTS).map((p) => p.cpuPercent)));
  if (!sample) return null;
  return <SandboxRow sample={sample} cpuHistory={cpuHistory} memTotalBytes={memTotalBytes} sparkMax={sparkMax} />;
}

/** The overview table: default order is CPU descending ("who is eating the box"). */
export function SandboxTableLive() {
  const [sort, setSort] = useState<SortSpec>({ key: 'cpu', dir: 'desc' });
  const names = useDashboard(useShallow((s) => selectSortedNames(s, sort)));
  const hasData = useDashboard((s) => s.host !== null);
  // One y-scale for every sparkline (a coarse step, so this re-renders rarely).
  const sparkMax = useDashboard((s) => selectSparkScale(s, SPARK_POINTS));
  const onSort = (key: SortKey) =>
    setSort((cur) => (cur.key === key ? { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' ? 'asc' : 'desc' }));

  if (hasData && names.length === 0) return <SandboxEmptyState />;
  return (
    <SandboxTable sort={sort} onSort={onSort} sparkMax={sparkMax}>
      {names.map((name) => (
        <SandboxRowLive key={name} name={name} sparkMax={sparkMax} />
      ))}
    </SandboxTable>
  );
}
