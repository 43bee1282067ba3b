'use client';

import { useState, type FormEvent } from 'react';
import { parseBytes, formatBytes } from '@/lib/units/bytes';
import { Button } from '@/components/ui/button';

export interface MemoryLimitFieldProps {
  /** The limit the kernel holds; null = unlimited. */
  limitBytes: number | null;
  /** Called with bytes, or null to remove the limit. */
  onApply: (bytes: number | null) => void;
  /** Called when the input cannot be read, with a sentence for the operator. */
  onInvalid: (message: string) => void;
  disabled?: boolean;
}

/**
 * Reads the field: "" or "unlimited" → null, "80M" / "1.5G" / bytes → number.
 * Binary units, as the kernel and cgset read them.
 */
export function readMemoryInput(text: string): { ok: true; bytes: number | null } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '' || /^(unlimited|max|none)$/i.test(t)) return { ok: true, bytes: null };
  const r = parseBytes(t);
  return r.ok ? { ok: true, bytes: r.bytes } : r;
}

/** Memory limit text field with units (Enter or "Apply"). */
export function MemoryLimitField({ limitBytes, onApply, onInvalid, disabled }: MemoryLimitFieldProps) {
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = readMemoryInput(text);
    if (r.ok) onApply(r.bytes);
    else onInvalid(r.message);
  };
  return (
    <form className="space-y-1.5" onSubmit={submit}>
      <div className="flex items-baseline justify-between">
        <label htmlFor="memory-limit" className="text-muted">
          Memory limit
        </label>
        <span>{limitBytes === null ? <span className="text-muted">unlimited</span> : <span className="font-bold text-limit">{formatBytes(limitBytes)}</span>}</span>
      </div>
      <div className="flex gap-2">
        <input
          id="memory-limit"
          type="text"
          aria-label="Memory limit"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          placeholder="e.g. 512M, 2G, or unlimited"
          spellCheck={false}
          autoComplete="off"
          disabled={disabled}
          className="min-w-0 flex-1 border border-line bg-bg px-2 py-0.5 text-fg placeholder:text-dim focus:border-mem focus:outline-none"
        />
        <Button type="submit" variant="primary" disabled={disabled}>
          Apply
        </Button>
      </div>
    </form>
  );
}
