import type { Metadata } from 'next';
import { HostHeaderLive } from '@/components/connected/host-header-live';
import { SandboxTableLive } from '@/components/connected/sandbox-table-live';
import { StaleVeil } from '@/components/connected/stale-veil';

export const metadata: Metadata = { title: 'Overview · cgdash' };

/** Overview: the host header, then every sandbox sorted by who is eating the box. */
export default function OverviewPage() {
  return (
    <main>
      <StaleVeil>
        <HostHeaderLive />
        <SandboxTableLive />
      </StaleVeil>
    </main>
  );
}
