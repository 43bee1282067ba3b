import type { ReactNode } from 'react';
import type { IoRates, SandboxSample } from '@/lib/protocol';
import { formatBytes } from '@/lib/units/bytes';
import { formatByteRate, formatCount, formatOpsRate, formatPct, formatSeconds } from '@/components/ui/format';

/** One "label value" pair in a dense details line; the value keeps its own colour class. */
export function Kv({ label, children, title, className = '' }: { label: ReactNode; children: ReactNode; title?: string; className?: string }) {
  return (
    <span className="whitespace-nowrap" title={title}>
      <span className="text-dim">{label}</span> <span className={className || 'text-fg'}>{children}</span>
    </span>
  );
}

function Swatch({ color, hatched = false }: { color: string; hatched?: boolean }) {
  return (
    <span
      aria-hidden="true"
      className="mr-1 inline-block h-2 w-2 align-baseline"
      style={{ background: hatched ? `repeating-linear-gradient(135deg, ${color} 0 2px, transparent 2px 4px)` : color, outline: `1px solid ${color}` }}
    />
  );
}

function Lines({ children }: { children: ReactNode }) {
  return <div className="space-y-0.5 text-[11.5px] leading-4">{children}</div>;
}

function Line({ children }: { children: ReactNode }) {
  return <div className="flex flex-wrap gap-x-3">{children}</div>;
}

/** Tone of a cumulative "bad thing happened" counter: coloured once it is above 0; null stays plain ("—"). */
function countTone(n: number | null, tone: 'text-warn' | 'text-danger'): string {
  return n !== null && n > 0 ? tone : 'text-fg';
}

/** Under the CPU chart: the user/system split now and the CFS throttling counters. */
export function CpuDetails({ cpu }: { cpu: SandboxSample['cpu'] }) {
  return (
    <Lines>
      <Line>
        <Kv label={<><Swatch color="var(--color-user)" />user</>} className="text-user" title="CPU in user mode over the last interval, % of machine">
          {formatPct(cpu.userPercent)}
        </Kv>
        <Kv label={<><Swatch color="var(--color-sys)" />system</>} className="text-sys" title="CPU in kernel mode over the last interval, % of machine">
          {formatPct(cpu.systemPercent)}
        </Kv>
        <Kv
          label="throttled"
          className={cpu.throttledPercent ? 'text-warn' : 'text-fg'}
          title="Share of CFS enforcement periods in which the group was throttled, over the last interval"
        >
          {formatPct(cpu.throttledPercent, 0)} <span className="text-dim">of periods</span>
        </Kv>
      </Line>
      <Line>
        <Kv label="throttled time" title="Total time the group was held back by its CPU limit, cumulative (cpu.stat throttled_time / throttled_usec)">
          {formatSeconds(cpu.throttledSeconds)}
        </Kv>
        <Kv label="nr_periods" title="Cumulative CFS enforcement periods (cpu.stat nr_periods)">
          {formatCount(cpu.nrPeriods)}
        </Kv>
        <Kv label="nr_throttled" title="Cumulative periods in which the group was throttled (cpu.stat nr_throttled)">
          {formatCount(cpu.nrThrottled)}
        </Kv>
      </Line>
    </Lines>
  );
}

interface Segment { key: string; label: string; bytes: number | null; color: string; hatched?: boolean; title: string }

/**
 * Under the memory chart: anon / file cache / kernel / swap as one htop-style stacked bar against the
 * limit (the host's memory when unlimited), with peak and soft-limit marks, and the failure counters.
 */
export function MemoryBreakdown({ memory, hostMemBytes }: { memory: SandboxSample['memory']; hostMemBytes: number | null }) {
  const segments: Segment[] = [
    { key: 'anon', label: 'anon', bytes: memory.anonBytes, color: 'var(--color-anon)', title: 'Anonymous memory: heap, stacks, private mappings (memory.stat anon / total_rss)' },
    { key: 'file', label: 'file', bytes: memory.fileBytes, color: 'var(--color-file)', title: 'Page cache, shmem included (memory.stat file / total_cache); reclaimable in part' },
    { key: 'kernel', label: 'kernel', bytes: memory.kernelBytes, color: 'var(--color-kernel)', title: 'Kernel memory charged to the group: slab, stacks, page tables' },
    { key: 'swap', label: 'swap', bytes: memory.swapBytes, color: 'var(--color-swap)', hatched: true, title: 'Swap used; counted apart from the memory limit' },
  ];
  const known = [memory.usageBytes, memory.peakBytes, ...segments.map((s) => s.bytes)].filter((b): b is number => b !== null);
  const scale = memory.limitBytes ?? hostMemBytes ?? Math.max(1, ...known);
  const scaleLabel = memory.limitBytes !== null ? `of limit ${formatBytes(memory.limitBytes)}` : hostMemBytes !== null ? `of host ${formatBytes(hostMemBytes)} (no limit)` : 'no limit';
  const pct = (b: number) => Math.max(0, Math.min(100, (b / scale) * 100));
  let offset = 0;
  const bars = segments.map((s) => {
    const left = offset;
    const width = s.bytes === null ? 0 : Math.min(pct(s.bytes), 100 - left);
    offset += width;
    return { ...s, left, width };
  });
  const marks = [
    memory.softLimitBytes !== null && memory.softLimitBytes < scale ? { key: 'soft', at: pct(memory.softLimitBytes), color: 'var(--color-warn)', title: `soft limit ${formatBytes(memory.softLimitBytes)}` } : null,
    memory.peakBytes !== null ? { key: 'peak', at: pct(memory.peakBytes), color: 'var(--color-fg)', title: `peak ${formatBytes(memory.peakBytes)}` } : null,
  ].filter((m) => m !== null);
  const ev = memory.events;
  return (
    <Lines>
      <div className="flex items-center gap-2 pb-0.5">
        <div className="relative h-2.5 flex-1 bg-panel-2 outline outline-1 outline-line" aria-hidden="true">
          {bars.map((b) =>
            b.width > 0 ? (
              <div
                key={b.key}
                className="absolute inset-y-0"
                title={`${b.label} ${formatBytes(b.bytes)}`}
                style={{
                  left: `${b.left}%`,
                  width: `${b.width}%`,
                  background: b.hatched ? `repeating-linear-gradient(135deg, ${b.color} 0 2px, transparent 2px 4px)` : b.color,
                }}
              />
            ) : null,
          )}
          {marks.map((m) => (
            <div key={m.key} title={m.title} className="absolute -inset-y-0.5 w-0.5" style={{ left: `calc(${m.at}% - 1px)`, background: m.color }} />
          ))}
        </div>
        <span className="whitespace-nowrap text-[11px] text-dim">{scaleLabel}</span>
      </div>
      <Line>
        {segments.map((s) => (
          <Kv key={s.key} label={<><Swatch color={s.color} hatched={s.hatched} />{s.label}</>} title={s.title}>
            {formatBytes(s.bytes)}
          </Kv>
        ))}
      </Line>
      <Line>
        <Kv label={<><Swatch color="var(--color-fg)" />peak</>} title="Highest usage since the group was created (memory.max_usage_in_bytes / memory.peak)">
          {formatBytes(memory.peakBytes)}
        </Kv>
        <Kv
          label={<><Swatch color="var(--color-warn)" />soft limit</>}
          title="memory.soft_limit_in_bytes (v1) / memory.high (v2); — when not set or not given by the kernel"
          className={memory.softLimitBytes === null ? 'text-dim' : 'text-warn'}
        >
          {formatBytes(memory.softLimitBytes)}
        </Kv>
        <Kv label="failcnt" title="v1 memory.failcnt: times usage hit the limit (— on v2: see events max)" className={countTone(memory.failcnt, 'text-warn')}>
          {formatCount(memory.failcnt)}
        </Kv>
      </Line>
      <Line>
        <span className="text-dim" title="Cumulative memory.events (v2); v1 gives only oom_kill">events</span>
        <Kv label="high" title="Times usage went over memory.high and the group was throttled and reclaimed" className={countTone(ev.high, 'text-warn')}>
          {formatCount(ev.high)}
        </Kv>
        <Kv label="max" title="Times usage was about to go over the hard limit" className={countTone(ev.max, 'text-warn')}>
          {formatCount(ev.max)}
        </Kv>
        <Kv label="oom" title="Times the group hit its limit and an OOM was attempted" className={countTone(ev.oom, 'text-danger')}>
          {formatCount(ev.oom)}
        </Kv>
        <Kv label="oom_kill" title="Processes killed by the OOM killer" className={countTone(ev.oomKill, 'text-danger')}>
          {formatCount(ev.oomKill)}
        </Kv>
      </Line>
    </Lines>
  );
}

/** Most device rows shown under the I/O chart; the rest are summed up in one line. */
export const MAX_DEVICE_ROWS = 6;

function busy(r: IoRates): number {
  return (r.readBytesPerSec ?? 0) + (r.writeBytesPerSec ?? 0);
}

/** Devices, busiest first (read + write bytes/s), ties by major:minor. */
export function sortDevices(devices: Record<string, IoRates>): Array<[string, IoRates]> {
  return Object.entries(devices).sort(([a, x], [b, y]) => busy(y) - busy(x) || a.localeCompare(b, 'en', { numeric: true }));
}

/** Under the I/O chart: total ops/s and the per-device rates (major:minor). Nothing when there is no accounting. */
export function IoDetails({ io }: { io: SandboxSample['io'] }) {
  if (io.devices === null) return null;
  const rows = sortDevices(io.devices);
  const shown = rows.slice(0, MAX_DEVICE_ROWS);
  return (
    <Lines>
      <Line>
        <Kv label="ops read" className="text-read" title="Read operations per second, all devices">
          {formatOpsRate(io.readOpsPerSec)}
        </Kv>
        <Kv label="write" className="text-write" title="Write operations per second, all devices">
          {formatOpsRate(io.writeOpsPerSec)}
        </Kv>
      </Line>
      {rows.length === 0 ? (
        <div className="text-dim">No I/O on any block device yet (the kernel lists a device once the group has used it).</div>
      ) : (
        <table className="mt-1 w-full border-collapse" aria-label="Block I/O per device">
          <thead className="text-dim">
            <tr>
              <th scope="col" className="pr-2 text-left font-normal" title="Device number, major:minor (ls -l /dev, lsblk)">DEV</th>
              <th scope="col" className="px-1 text-right font-normal">READ</th>
              <th scope="col" className="px-1 text-right font-normal">WRITE</th>
              <th scope="col" className="px-1 text-right font-normal" title="Read operations per second">R OPS</th>
              <th scope="col" className="pl-1 text-right font-normal" title="Write operations per second">W OPS</th>
            </tr>
          </thead>
          <tbody>
            {shown.map(([dev, r]) => (
              <tr key={dev} className="border-t border-line/50">
                <td className="pr-2 text-fg">{dev}</td>
                <td className="whitespace-nowrap px-1 text-right text-read">{formatByteRate(r.readBytesPerSec)}</td>
                <td className="whitespace-nowrap px-1 text-right text-write">{formatByteRate(r.writeBytesPerSec)}</td>
                <td className="px-1 text-right">{formatOpsRate(r.readOpsPerSec)}</td>
                <td className="pl-1 text-right">{formatOpsRate(r.writeOpsPerSec)}</td>
              </tr>
            ))}
          </tbody>
          {rows.length > shown.length && (
            <tfoot>
              <tr className="border-t border-line/50 text-dim">
                <td colSpan={5}>+{rows.length - shown.length} quieter device{rows.length - shown.length === 1 ? '' : 's'}</td>
              </tr>
            </tfoot>
          )}
        </table>
      )}
    </Lines>
  );
}
