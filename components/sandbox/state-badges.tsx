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

/** Frozen/freezing, throttled, near memory limit and OOM-kill tags for one sandbox. */
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
  return <div className="flex flex-wrap gap-1">{badges}</div>;
}
