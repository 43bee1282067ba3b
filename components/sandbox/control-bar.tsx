'use client';

import { useState } from 'react';
import type { FreezerState } from '@/lib/protocol';
import { Button } from '@/components/ui/button';
import { KillDialog } from './kill-dialog';

export interface FreezerControlsProps {
  freezer: FreezerState | null;
  onFreeze: () => void;
  onThaw: () => void;
  disabled?: boolean;
}

/** Freeze / Thaw buttons with the current freezer state. */
export function FreezerControls({ freezer, onFreeze, onThaw, disabled }: FreezerControlsProps) {
  return (
    <div className="space-y-1.5">
      <div className="flex items-baseline justify-between">
        <span className="text-muted">Freezer</span>
        <span className={freezer === 'thawed' ? 'text-fg' : freezer === null ? 'text-dim' : 'font-bold text-frozen'}>{freezer ?? 'not available'}</span>
      </div>
      <div className="flex gap-2">
        <Button onClick={onFreeze} disabled={disabled || freezer === null} title="Stop every task in the cgroup (cgroup freezer)">
          Freeze
        </Button>
        <Button onClick={onThaw} disabled={disabled || freezer === null} title="Let the cgroup's tasks run again">
          Thaw
        </Button>
      </div>
    </div>
  );
}

export interface KillControlProps {
  sandboxName: string;
  processCount: number | null;
  onKill: () => void;
  disabled?: boolean;
}

/** The Kill button; it only opens the confirmation dialog. */
export function KillControl({ sandboxName, processCount, onKill, disabled }: KillControlProps) {
  const [open, setOpen] = useState(false);
  return (
    <div className="flex items-center justify-between gap-2">
      <span className="text-muted">SIGKILL every process</span>
      <Button variant="danger" onClick={() => setOpen(true)} disabled={disabled}>
        Kill
      </Button>
      <KillDialog
        open={open}
        sandboxName={sandboxName}
        processCount={processCount}
        onCancel={() => setOpen(false)}
        onConfirm={() => {
          setOpen(false);
          onKill();
        }}
      />
    </div>
  );
}
