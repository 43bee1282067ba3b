'use client';

import { HostHeader } from '@/components/host/host-header';
import { useDashboard } from '@/components/providers/dashboard-providers';

/** Host header fed from the overview stream. */
export function HostHeaderLive() {
  const host = useDashboard((s) => s.host);
  const sandboxCount = useDashboard((s) => Object.keys(s.latest).length);
  const sandboxesCpuPercent = useDashboard((s) => {
    const values = Object.values(s.latest).map((x) => x.cpu.usagePercent);
    return values.some((v) => v !== null) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : null;
  });
  return <HostHeader host={host} sandboxCount={sandboxCount} sandboxesCpuPercent={sandboxesCpuPercent} />;
}
