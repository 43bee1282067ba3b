'use client';

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Button } from '@/components/ui/button';
import { formatPct } from '@/components/ui/format';

export interface CpuLimitSliderProps {
  /** The limit the kernel holds, % of machine; null = unlimited. */
  limitPercent: number | null;
  cpuCount: number | null;
  /** Called for every value while dragging (the caller throttles). */
  onDrag: (percent: number) => void;
  /** Called once with the final value on release or keyboard commit. */
  onCommit: (percent: number) => void;
  onUnlimited: () => void;
  disabled?: boolean;
}

/** How long the dragged value stays on screen after release, until the next sample shows the kernel's value. */
const HOLD_AFTER_COMMIT_MS = 1500;
const COMMIT_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End']);

/** CPU limit, 1–100 % of the machine, applied while dragging. A native range input (role="slider", name "CPU limit"). */
export function CpuLimitSlider({ limitPercent, cpuCount, onDrag, onCommit, onUnlimited, disabled }: CpuLimitSliderProps) {
  const [draft, setDraft] = useState<number | null>(null);
  const hold = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(hold.current), []);

  const shown = draft ?? (limitPercent === null ? 100 : Math.max(1, Math.min(100, Math.round(limitPercent))));
  const unlimited = draft === null && limitPercent === null;
  const cores = cpuCount ? ((shown / 100) * cpuCount).toFixed(2) : null;

  const change = (v: number) => {
    clearTimeout(hold.current);
    setDraft(v);
    onDrag(v);
  };
  const commit = (v: number) => {
    onCommit(v);
    clearTimeout(hold.current);
    hold.current = setTimeout(() => setDraft(null), HOLD_AFTER_COMMIT_MS);
  };

  return (
    <div className="space-y-1.5">
      <div className="flex items-baseline justify-between">
        <label htmlFor="cpu-limit" className="text-muted">
          CPU limit
        </label>
        <span className="text-fg">
          {unlimited ? (
            <span className="text-muted">unlimited</span>
          ) : (
            <>
              <span className="font-bold text-limit">{formatPct(shown, 0)}</span>
              <span className="text-muted"> of machine{cores && ` · ${cores} cores`}</span>
            </>
          )}
        </span>
      </div>
      <div className="flex items-center gap-2">
        <input
          id="cpu-limit"
          type="range"
          aria-label="CPU limit"
          aria-valuetext={unlimited ? 'unlimited' : `${shown} % of machine`}
          min={1}
          max={100}
          step={1}
          value={shown}
          disabled={disabled}
          className="cg-range min-w-0 flex-1"
          style={{ ['--fill' as string]: unlimited ? '0%' : `${((shown - 1) / 99) * 100}%` }}
          onChange={(e) => change(Number(e.currentTarget.value))}
          onPointerUp={(e) => commit(Number(e.currentTarget.value))}
          onKeyUp={(e: KeyboardEvent<HTMLInputElement>) => COMMIT_KEYS.has(e.key) && commit(Number(e.currentTarget.value))}
        />
        <Button onClick={onUnlimited} disabled={disabled} title="Remove the CPU limit">
          Unlimited
        </Button>
      </div>
    </div>
  );
}
