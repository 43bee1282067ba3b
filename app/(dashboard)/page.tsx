import type { Metadata } from 'next';
import { HostHeaderLive } from '@/components/connected/host-header-live';
import { SandboxTableLive } from '@/components/connected/sandbox-table-live';

export const metadata: Metadata = { title: 'Overview · cgdash' };

/** Overview: the host header, then every sandbox sorted by who is eating the box. */
export default function OverviewPage() {
  return (
    <main>
      <HostHeaderLive />
      <SandboxTableLive />
    </main>
  );
}
