'use client';

import type { ReactNode } from 'react';
import { useDashboard } from '@/components/providers/dashboard-providers';
import { selectLiveness } from '@/lib/store/selectors';
import { useNow } from './use-now';

/** Dims its children while the data is not live, so old numbers never pass for current ones. */
export function StaleVeil({ children }: { children: ReactNode }) {
  const now = useNow(1000);
  const live = useDashboard((s) => selectLiveness(s, now) === 'live');
  return (
    <div data-stale={!live || undefined} className={live ? 'min-w-0' : 'min-w-0 opacity-55 saturate-50 transition-opacity'}>
      {children}
    </div>
  );
}
