import type { ReactNode } from 'react';

export type BadgeTone = 'frozen' | 'warn' | 'danger' | 'muted' | 'ok';

const TONES: Record<BadgeTone, string> = {
  frozen: 'border-frozen/60 text-frozen bg-frozen/10',
  warn: 'border-warn/60 text-warn bg-warn/10',
  danger: 'border-danger/60 text-danger bg-danger/10',
  muted: 'border-line text-muted',
  ok: 'border-ok/60 text-ok bg-ok/10',
};

/** A small uppercase state tag. */
export function Badge({ tone, children, title }: { tone: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-block whitespace-nowrap border px-1 text-[10.5px] leading-4 uppercase tracking-wide ${TONES[tone]}`}>
      {children}
    </span>
  );
}
