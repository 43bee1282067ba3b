'use client';

import { ConnectionIndicator } from '@/components/host/connection-indicator';
import { useDashboard } from '@/components/providers/dashboard-providers';
import { selectLiveness } from '@/lib/store/selectors';
import { useNow } from './use-now';

/** The live/reconnecting/stale indicator, re-evaluated every second. */
export function ConnectionIndicatorLive() {
  const now = useNow(1000);
  const liveness = useDashboard((s) => selectLiveness(s, now));
  const detail = useDashboard((s) => {
    if (s.socketState === 'disconnected') return `Lost the web server${s.socketError ? ` (${s.socketError})` : ''}; retrying…`;
    if (s.socketState !== 'connected') return s.socketError;
    return s.agent?.connected === false ? s.agent.message : null;
  });
  const receivedAt = useDashboard((s) => s.lastBatchReceivedAt);
  const ageSeconds = receivedAt === null ? null : Math.max(0, Math.round((now - receivedAt) / 1000));
  return <ConnectionIndicator liveness={liveness} detail={detail} ageSeconds={ageSeconds} />;
}
