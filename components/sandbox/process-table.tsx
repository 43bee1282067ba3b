'use client';

import { useMemo, useState } from 'react';
import type { ProcessInfo } from '@/lib/protocol';
import { formatBytes } from '@/lib/units/bytes';
import { formatNumber, formatStartTime } from '@/components/ui/format';

type Key = 'pid' | 'user' | 'state' | 'cpuPercent' | 'rssBytes' | 'threads' | 'startTime' | 'cgroup' | 'command';
interface Sort { key: Key; dir: 'asc' | 'desc' }

const COLUMNS: Array<{ key: Key; label: string; align: 'left' | 'right'; title?: string }> = [
  { key: 'pid', label: 'PID', align: 'right' },
  { key: 'user', label: 'USER', align: 'left' },
  { key: 'state', label: 'S', align: 'left', title: 'State from /proc/<pid>/stat: R running, S sleeping, D disk wait, T stopped, Z zombie' },
  { key: 'cpuPercent', label: 'CPU% (of 1 core)', align: 'right', title: 'htop convention: 100 = one core busy, 200 = two cores' },
  {
    key: 'rssBytes',
    label: 'RSS',
    align: 'right',
    title: 'Resident set size. Includes shared file pages (binary, libs) charged to whichever cgroup touched them first, so it can exceed this sandbox’s memory',
  },
  { key: 'threads', label: 'THR', align: 'right', title: 'Number of threads (/proc/<pid>/stat num_threads)' },
  { key: 'startTime', label: 'START', align: 'right', title: 'When the process started, local time: HH:MM if today, else month and day (the year when over a year ago)' },
  {
    key: 'cgroup',
    label: 'CGROUP',
    align: 'left',
    title: 'Which group the process is in: "." = the sandbox itself, else the path of the child group (relative to the managed parent, e.g. bob/worker1)',
  },
  { key: 'command', label: 'COMMAND', align: 'left' },
];

/** Columns whose first click sorts descending (biggest / newest first). */
const DESC_FIRST: ReadonlySet<Key> = new Set(['cpuPercent', 'rssBytes', 'threads', 'startTime']);

const STATE_COLOR: Record<string, string> = { R: 'text-cpu', D: 'text-danger', Z: 'text-danger', T: 'text-frozen' };

function compare(a: ProcessInfo, b: ProcessInfo, key: Key): number {
  // The sandbox's own name sorts before its children's paths ("bob" < "bob/worker1"); older agents send none.
  if (key === 'cgroup') return (a.cgroup ?? '').localeCompare(b.cgroup ?? '');
  const x = a[key];
  const y = b[key];
  if (typeof x === 'string' || typeof y === 'string') return String(x).localeCompare(String(y));
  return (x ?? -1) - (y ?? -1);
}

/** "." for a process in the sandbox's own group (or an older agent that sends no cgroup), else its child group's path. */
export function cgroupLabel(cgroup: string | undefined, sandboxName: string | undefined): string {
  return !cgroup || cgroup === sandboxName ? '.' : cgroup;
}

/**
 * htop-like process list of one sandbox (its child groups' processes included, CGROUP saying where),
 * sortable by every column (default CPU descending).
 */
export function ProcessTable({ processes, sandboxName }: { processes: ProcessInfo[]; sandboxName?: string }) {
  const [sort, setSort] = useState<Sort>({ key: 'cpuPercent', dir: 'desc' });
  const rows = useMemo(() => {
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...processes].sort((a, b) => sign * compare(a, b, sort.key) || a.pid - b.pid);
  }, [processes, sort]);
  const nowMs = Date.now(); // "today" for START; the table re-renders with every sample
  const onSort = (key: Key) =>
    setSort((c) => (c.key === key ? { key, dir: c.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: DESC_FIRST.has(key) ? 'desc' : 'asc' }));

  return (
    <table className="w-full border-collapse" aria-label="Processes">
      <thead className="bg-cpu/15 text-[11.5px] text-muted">
        <tr>
          {COLUMNS.map((c) => {
            const active = sort.key === c.key;
            return (
              <th
                key={c.key}
                scope="col"
                title={c.title}
                aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                className={`px-2 py-0.5 font-normal ${c.align === 'right' ? 'text-right' : 'text-left'} ${c.key === 'command' ? 'w-full' : 'whitespace-nowrap'}`}
              >
                <button
                  type="button"
                  onClick={() => onSort(c.key)}
                  className={`hover:text-fg ${c.title ? 'underline decoration-dotted underline-offset-2' : ''} ${active ? 'text-cpu' : ''}`}
                >
                  {c.label}
                  <span aria-hidden="true">{active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.pid} className="border-b border-line/40 hover:bg-panel-2">
            <td className="px-2 py-px text-right text-mem">{p.pid}</td>
            <td className="max-w-32 truncate px-2 py-px">{p.user}</td>
            <td className={`px-2 py-px ${STATE_COLOR[p.state] ?? 'text-muted'}`}>{p.state}</td>
            <td className="whitespace-nowrap px-2 py-px text-right">{formatNumber(p.cpuPercent)}</td>
            <td className="whitespace-nowrap px-2 py-px text-right">{formatBytes(p.rssBytes)}</td>
            <td className="whitespace-nowrap px-2 py-px text-right">{p.threads}</td>
            <td className="whitespace-nowrap px-2 py-px text-right" title={p.startTime === null ? undefined : new Date(p.startTime).toLocaleString()}>
              {formatStartTime(p.startTime, nowMs)}
            </td>
            <td className="max-w-40 truncate whitespace-nowrap px-2 py-px" title={p.cgroup}>
              {cgroupLabel(p.cgroup, sandboxName) === '.' ? <span className="text-dim">.</span> : <span className="text-fg">{p.cgroup}</span>}
            </td>
            <td className="max-w-0 truncate px-2 py-px" title={p.command}>
              <span className={p.command.startsWith('[') ? 'text-muted' : 'text-fg'}>{p.command}</span>
            </td>
          </tr>
        ))}
        {rows.length === 0 && (
          <tr>
            <td colSpan={COLUMNS.length} className="px-2 py-2 text-muted">
              No processes in this sandbox.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
