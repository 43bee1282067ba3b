'use client';

import { useEffect, useRef } from 'react';
import { Button } from '@/components/ui/button';

export interface KillDialogProps {
  open: boolean;
  sandboxName: string;
  /** Processes that will receive SIGKILL (as last sampled); null = unknown. */
  processCount: number | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/** In-page confirmation for Kill (a modal <dialog>; Escape cancels). */
export function KillDialog({ open, sandboxName, processCount, onConfirm, onCancel }: KillDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby="kill-title"
      aria-describedby="kill-desc"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="m-auto w-[28rem] max-w-[92vw] border border-danger/60 bg-panel p-0 text-fg"
    >
      <div className="border-b border-line px-4 py-2">
        <h2 id="kill-title" className="font-bold text-danger">
          Kill every process in {sandboxName}?
        </h2>
      </div>
      <div id="kill-desc" className="space-y-2 px-4 py-3 text-muted">
        <p>
          SIGKILL goes to {processCount === null ? 'all' : <span className="text-fg">{processCount}</span>} process{processCount === 1 ? '' : 'es'} in
          the cgroup. They cannot clean up or save state. The sandbox and its limits stay.
        </p>
      </div>
      <div className="flex justify-end gap-2 border-t border-line px-4 py-2">
        <Button onClick={onCancel} autoFocus>
          Cancel
        </Button>
        <Button variant="danger" onClick={onConfirm}>
          Kill all processes
        </Button>
      </div>
    </dialog>
  );
}
