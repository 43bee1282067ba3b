import type { SandboxSample } from '@/lib/protocol';
import { Badge } from '@/components/ui/badge';
import { formatBytes } from '@/lib/units/bytes';

/** Share of the memory limit above which a sandbox is "near memory limit". */
export const NEAR_MEMORY_LIMIT = 0.9;

/** True when usage ≥ 90 % of a set memory limit. */
export function isNearMemoryLimit(s: SandboxSample): boolean {
  const { usageBytes, limitBytes } = s.memory;
  return usageBytes !== null && limitBytes !== null && limitBytes > 0 && usageBytes >= NEAR_MEMORY_LIMIT * limitBytes;
}

/** Pressure (PSI some avg10, % of wall time) above which the overview flags a sandbox. */
export const PSI_BADGE_PERCENT = 10;
/** Pressure above which the badge (and the pressure panel) turns red. */
export const PSI_SEVERE_PERCENT = 40;

/**
 * The memory and io pressures (some avg10, %) that are above PSI_BADGE_PERCENT, strongest first;
 * empty when none is (or the kernel gives no pressure). CPU pressure is left out: the CPU columns
 * and the throttled badge already tell that story.
 */
export function pressureAlerts(s: SandboxSample): Array<{ resource: 'mem' | 'io'; percent: number }> {
  const out: Array<{ resource: 'mem' | 'io'; percent: number }> = [];
  const mem = s.pressure.memory?.someAvg10 ?? null;
  const io = s.pressure.io?.someAvg10 ?? null;
  if (mem !== null && mem > PSI_BADGE_PERCENT) out.push({ resource: 'mem', percent: mem });
  if (io !== null && io > PSI_BADGE_PERCENT) out.push({ resource: 'io', percent: io });
  return out.sort((a, b) => b.percent - a.percent);
}

/** Frozen/freezing, throttled, near memory limit, OOM-kill and pressure tags for one sandbox. */
export function StateBadges({ sample }: { sample: SandboxSample }) {
  const { cpu, memory } = sample;
  const badges = [];
  if (sample.freezer === 'frozen' || sample.frozen) badges.push(<Badge key="fz" tone="frozen">frozen</Badge>);
  else if (sample.freezer === 'freezing') badges.push(<Badge key="fz" tone="frozen" title="Freezing: tasks are still being stopped">freezing</Badge>);
  if (cpu.throttledPercent !== null && cpu.throttledPercent > 0) {
    badges.push(
      <Badge key="th" tone="warn" title={`Throttled in ${cpu.throttledPercent.toFixed(0)} % of CFS periods over the last interval`}>
        throttled {cpu.throttledPercent.toFixed(0)}%
      </Badge>,
    );
  }
  if (isNearMemoryLimit(sample)) {
    badges.push(
      <Badge key="mem" tone="danger" title={`${formatBytes(memory.usageBytes)} of ${formatBytes(memory.limitBytes)}`}>
        near memory limit
      </Badge>,
    );
  }
  if (memory.oomKills !== null && memory.oomKills > 0) {
    badges.push(<Badge key="oom" tone="danger" title="Processes killed by the OOM killer in this cgroup">OOM kills {memory.oomKills}</Badge>);
  }
  for (const p of pressureAlerts(sample)) {
    const resource = p.resource === 'mem' ? 'memory' : 'io';
    badges.push(
      <Badge
        key={`psi-${p.resource}`}
        tone={p.percent >= PSI_SEVERE_PERCENT ? 'danger' : 'warn'}
        title={`Pressure stall (PSI some avg10): tasks waited on ${resource} ${p.percent.toFixed(1)} % of the last 10 s`}
      >
        PSI {p.resource} {p.percent.toFixed(0)}%
      </Badge>,
    );
  }
  return <div className="flex flex-wrap gap-1">{badges}</div>;
}
