'use client';

import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { SandboxEmptyState, SandboxTable } from '@/components/sandbox/sandbox-table';
import { SandboxRow } from '@/components/sandbox/sandbox-row';
import { useDashboard } from '@/components/providers/dashboard-providers';
import { selectSparkScale, type SortKey, type SortSpec } from '@/lib/store/selectors';
import { findGroup, selectOverviewPaths } from '@/lib/store/tree';

/** Points in the row sparkline: one minute at the agent's 1 s interval. */
const SPARK_POINTS = 60;

const NO_HISTORY: Array<number | null> = [];

/**
 * One row (a sandbox, or a child group by its path), subscribed to its own group only, so a sample for
 * bob re-renders only bob's rows. Sparklines exist for sandboxes only (the store keeps no child series).
 */
function SandboxRowLive({ path, sparkMax, toggleSlot }: { path: string; sparkMax: number; toggleSlot: boolean }) {
  const sample = useDashboard((s) => findGroup(s.latest, path));
  const memTotalBytes = useDashboard((s) => s.host?.memTotalBytes ?? null);
  const cpuCount = useDashboard((s) => s.host?.cpuCount ?? null);
  const expanded = useDashboard((s) => s.overviewExpanded.has(path));
  const toggle = useDashboard((s) => s.toggleOverviewExpanded);
  // Sandbox names never contain "/"; a child group's path has one per level.
  const depth = path.split('/').length - 1;
  const cpuHistory = useDashboard(
    useShallow((s) => (depth > 0 ? NO_HISTORY : (s.series[path] ?? []).slice(-SPARK_POINTS).map((p) => p.cpuPercent))),
  );
  if (!sample) return null;
  return (
    <SandboxRow
      sample={sample}
      cpuHistory={depth > 0 ? null : cpuHistory}
      memTotalBytes={memTotalBytes}
      cpuCount={cpuCount}
      sparkMax={sparkMax}
      depth={depth}
      hasChildren={(sample.children?.length ?? 0) > 0}
      expanded={expanded}
      onToggle={() => toggle(path)}
      toggleSlot={toggleSlot}
    />
  );
}

/**
 * The overview table: default order is CPU descending ("who is eating the box"). A sandbox with child
 * groups gets a toggle (collapsed by default, remembered in the store); its children are listed under
 * it, sorted by the same column within their parent.
 */
export function SandboxTableLive() {
  const [sort, setSort] = useState<SortSpec>({ key: 'cpu', dir: 'desc' });
  const paths = useDashboard(useShallow((s) => selectOverviewPaths(s, sort)));
  const anyChildren = useDashboard((s) => Object.values(s.latest).some((x) => (x.children?.length ?? 0) > 0));
  const hasData = useDashboard((s) => s.host !== null);
  // One y-scale for every sparkline (a coarse step, so this re-renders rarely).
  const sparkMax = useDashboard((s) => selectSparkScale(s, SPARK_POINTS));
  const onSort = (key: SortKey) =>
    setSort((cur) => (cur.key === key ? { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' ? 'asc' : 'desc' }));

  if (hasData && paths.length === 0) return <SandboxEmptyState />;
  return (
    <SandboxTable sort={sort} onSort={onSort} sparkMax={sparkMax}>
      {paths.map((path) => (
        <SandboxRowLive key={path} path={path} sparkMax={sparkMax} toggleSlot={anyChildren} />
      ))}
    </SandboxTable>
  );
}
