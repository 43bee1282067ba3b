'use client';

import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SandboxSample } from '@/lib/protocol';
import { throttleCommit } from '@/lib/client/throttle-commit';
import { formatBytes } from '@/lib/units/bytes';
import { CommandResult } from '@/components/sandbox/command-result';
import { CpuLimitSlider } from '@/components/sandbox/cpu-limit-slider';
import { MemoryLimitField } from '@/components/sandbox/memory-limit-field';
import { FreezerControls, KillControl } from '@/components/sandbox/control-bar';
import { formatPct } from '@/components/ui/format';
import { useCommand } from './use-command';

/** At most 4 CPU-limit writes a second while dragging (the final value is always sent). */
const SLIDER_WRITE_EVERY_MS = 250;

const describeCpu = (d: unknown) => {
  const limit = (d as SandboxSample).cpu.limitPercent;
  return `Kernel holds: ${limit === null ? 'unlimited' : `${formatPct(limit, 2)} of machine`}`;
};
const describeMemory = (d: unknown) => {
  const limit = (d as SandboxSample).memory.limitBytes;
  return `Kernel holds: ${limit === null ? 'unlimited' : `${formatBytes(limit)} (${limit} bytes)`}`;
};
const describeFreezer = (d: unknown) => `Freezer now reads: ${(d as { freezer: string }).freezer}`;
const describeKill = (d: unknown) => {
  const n = (d as { killed: number }).killed;
  return `Sent SIGKILL to ${n} process${n === 1 ? '' : 'es'}.`;
};

function Section({ children }: { children: ReactNode }) {
  return <div className="space-y-1 border-b border-line px-3 py-2.5 last:border-b-0">{children}</div>;
}

/** CPU, memory, freezer and kill controls of one sandbox, each with its result right below. */
export function SandboxControlsLive({ sample, cpuCount, disabled }: { sample: SandboxSample; cpuCount: number | null; disabled: boolean }) {
  const { name } = sample;
  const cpu = useCommand(`${name}:cpu`, 'sandbox:setCpuLimit');
  const memory = useCommand(`${name}:memory`, 'sandbox:setMemoryLimit');
  const freeze = useCommand(`${name}:freezer`, 'sandbox:freeze');
  const thaw = useCommand(`${name}:freezer`, 'sandbox:thaw');
  const kill = useCommand(`${name}:kill`, 'sandbox:kill');
  const [memoryInputError, setMemoryInputError] = useState<string | null>(null);

  const sendCpu = useRef(cpu.send);
  useEffect(() => {
    sendCpu.current = cpu.send;
  }, [cpu.send]);
  const cpuWrites = useMemo(
    () => throttleCommit<number | null>((percent) => void sendCpu.current({ name, percent }), SLIDER_WRITE_EVERY_MS),
    [name],
  );

  return (
    <section aria-label="Controls" className="border border-line bg-panel">
      <h2 className="border-b border-line px-3 py-1 font-bold">Controls</h2>
      <Section>
        <CpuLimitSlider
          limitPercent={sample.cpu.limitPercent}
          cpuCount={cpuCount}
          disabled={disabled}
          onDrag={(v) => cpuWrites.push(v)}
          onCommit={(v) => cpuWrites.commit(v)}
          onUnlimited={() => cpuWrites.commit(null)}
        />
        <CommandResult label="CPU limit result" testId="cpu-limit-result" state={cpu.state} describeOk={describeCpu} />
      </Section>
      <Section>
        <MemoryLimitField
          limitBytes={sample.memory.limitBytes}
          disabled={disabled}
          onInvalid={setMemoryInputError}
          onApply={(bytes) => {
            setMemoryInputError(null);
            void memory.send({ name, bytes });
          }}
        />
        <CommandResult label="Memory limit result" testId="memory-limit-result" state={memory.state} describeOk={describeMemory} localError={memoryInputError} />
      </Section>
      <Section>
        <FreezerControls freezer={sample.freezer} disabled={disabled} onFreeze={() => void freeze.send({ name })} onThaw={() => void thaw.send({ name })} />
        <CommandResult label="Freezer result" testId="freezer-result" state={freeze.state} describeOk={describeFreezer} />
      </Section>
      <Section>
        <KillControl sandboxName={name} processCount={sample.pids} disabled={disabled} onKill={() => void kill.send({ name })} />
        <CommandResult label="Kill result" testId="kill-result" state={kill.state} describeOk={describeKill} />
      </Section>
    </section>
  );
}
