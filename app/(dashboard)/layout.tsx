import Link from 'next/link';
import type { ReactNode } from 'react';
import { DashboardProviders } from '@/components/providers/dashboard-providers';
import { ConnectionIndicatorLive } from '@/components/connected/connection-indicator-live';

/** Every dashboard page: the client providers plus a thin top bar. The web server has already checked the session. */
export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <DashboardProviders>
      <header className="flex h-8 items-center gap-4 border-b border-line bg-panel px-3">
        <Link href="/" className="font-bold tracking-wider text-fg hover:text-mem">
          cgdash
        </Link>
        <span className="hidden text-dim sm:inline">tenant sandboxes · cgroups</span>
        <div className="ml-auto flex min-w-0 items-center gap-4">
          <ConnectionIndicatorLive />
          <form method="post" action="/logout">
            <button type="submit" className="text-muted hover:text-fg">
              Log out
            </button>
          </form>
        </div>
      </header>
      {children}
    </DashboardProviders>
  );
}
