import type { Liveness } from '@/lib/store/selectors';

const LOOK: Record<Liveness, { text: string; dot: string; fg: string }> = {
  live: { text: 'live', dot: 'bg-ok', fg: 'text-ok' },
  stale: { text: 'stale', dot: 'bg-warn', fg: 'text-warn' },
  reconnecting: { text: 'reconnecting', dot: 'bg-danger animate-pulse', fg: 'text-danger' },
  connecting: { text: 'connecting', dot: 'bg-muted animate-pulse', fg: 'text-muted' },
  'logged-out': { text: 'logged out', dot: 'bg-danger', fg: 'text-danger' },
};

export interface ConnectionIndicatorProps {
  liveness: Liveness;
  /** Why it is not live (agent or socket message), shown beside the state. */
  detail: string | null;
  /** Seconds since the last batch, shown when stale. */
  ageSeconds: number | null;
}

/** "● live" / "● stale (12 s)" / "● reconnecting" with the reason. */
export function ConnectionIndicator({ liveness, detail, ageSeconds }: ConnectionIndicatorProps) {
  const look = LOOK[liveness];
  return (
    <div className="flex min-w-0 items-center gap-2" data-testid="connection-state" data-state={liveness}>
      <span className={`inline-block size-2 shrink-0 rounded-full ${look.dot}`} aria-hidden="true" />
      <span className={`font-bold uppercase tracking-wide ${look.fg}`}>{look.text}</span>
      {liveness === 'stale' && ageSeconds !== null && <span className="text-warn">last data {ageSeconds} s ago</span>}
      {liveness === 'logged-out' ? (
        <a href="/login" className="text-mem underline">
          Log in again
        </a>
      ) : (
        liveness !== 'live' && detail && <span className="truncate text-muted" title={detail}>{detail}</span>
      )}
    </div>
  );
}
