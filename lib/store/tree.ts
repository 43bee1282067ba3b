import type { SandboxSample } from '@/lib/protocol';
import type { DashboardState } from './create-dashboard-store';
import { compareSamples, type SortSpec } from './selectors';

/**
 * The sandbox tree flattened for a table: sandboxes and their child groups (SandboxSample.children) in
 * display order. Pure.
 */
export interface TreeRow {
  /** The sandbox name, or a child group's path relative to the managed parent ("bob/worker1"). */
  path: string;
  /** 0 for a sandbox, 1 for its child groups, 2 for theirs … */
  depth: number;
  /** The top-level sandbox the row belongs to (the only name commands take). */
  root: string;
  /** True when the group has child groups of its own. */
  hasChildren: boolean;
  /** True when its child groups are listed right below it. */
  expanded: boolean;
  /** The group's sample (a sandbox's numbers are totals over its children; a child's are its own). */
  sample: SandboxSample;
}

/** Which groups show their children: a set of paths, or 'all' (every level open). */
export type Expansion = ReadonlySet<string> | 'all';

/**
 * Rows in display order: the top-level samples sorted by `sort`, and under every expanded group its
 * children, sorted by the same `sort` within that parent (by their own numbers), recursively. A group
 * whose parent is collapsed is not listed, whatever its own expand state.
 */
export function flattenTree(roots: readonly SandboxSample[], sort: SortSpec, expanded: Expansion): TreeRow[] {
  const out: TreeRow[] = [];
  const isOpen = (path: string) => expanded === 'all' || expanded.has(path);
  const walk = (groups: readonly SandboxSample[], depth: number, root: string | null) => {
    for (const g of [...groups].sort((a, b) => compareSamples(a, b, sort))) {
      const children = g.children ?? [];
      const hasChildren = children.length > 0;
      const open = hasChildren && isOpen(g.name);
      out.push({ path: g.name, depth, root: root ?? g.name, hasChildren, expanded: open, sample: g });
      if (open) walk(children, depth + 1, root ?? g.name);
    }
  };
  walk(roots, 0, null);
  return out;
}

/** True when `path` is `group` or lies below it ("bob/w1" is within "bob", "bob2" is not). */
function within(path: string, group: string): boolean {
  return path === group || path.startsWith(`${group}/`);
}

/** The sample of a sandbox or of one of its (nested) child groups, by path; undefined when not reported. */
export function findGroup(latest: Readonly<Record<string, SandboxSample>>, path: string): SandboxSample | undefined {
  const slash = path.indexOf('/');
  let node: SandboxSample | undefined = latest[slash === -1 ? path : path.slice(0, slash)];
  while (node && node.name !== path) node = node.children?.find((c) => within(path, c.name));
  return node;
}

/** The last part of a group path: "worker1" for "bob/worker1", "bob" for "bob". */
export function groupLeaf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** How many child groups a sample has at every level below it. */
export function countDescendants(s: SandboxSample): number {
  return (s.children ?? []).reduce((n, c) => n + 1 + countDescendants(c), 0);
}

/** A copy of `expanded` with `path` toggled. */
export function toggleExpansion(expanded: ReadonlySet<string>, path: string): ReadonlySet<string> {
  const next = new Set(expanded);
  if (!next.delete(path)) next.add(path);
  return next;
}

/**
 * The overview's rows as paths, in display order, with the store's expand state (depth is the number
 * of "/" in a path: sandbox names never contain one). Strings only, so useShallow re-renders the table
 * only when the order or the set of rows changes.
 */
export function selectOverviewPaths(s: Pick<DashboardState, 'latest' | 'overviewExpanded'>, sort: SortSpec): string[] {
  return flattenTree(Object.values(s.latest), sort, s.overviewExpanded).map((r) => r.path);
}
