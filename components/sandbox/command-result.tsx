import type { CommandState } from '@/lib/store/slices/commands';
import { errorDetailSuffix } from '@/components/ui/format';

export interface CommandResultProps {
  /** Accessible name of the live region, e.g. "CPU limit result". */
  label: string;
  testId: string;
  state: CommandState | undefined;
  /** Sentence for a successful answer, from the value the kernel read back. */
  describeOk: (data: unknown) => string;
  /** A problem found before sending (e.g. unparsable input), shown like an agent error. */
  localError?: string | null;
}

/**
 * The outcome of a control's last command, right under the control: role="status" while pending or
 * after success, role="alert" with the agent's message verbatim after an error.
 */
export function CommandResult({ label, testId, state, describeOk, localError = null }: CommandResultProps) {
  if (localError) {
    return (
      <p role="alert" aria-label={label} data-testid={testId} className="min-h-4 text-danger">
        {localError}
      </p>
    );
  }
  if (state?.status === 'error') {
    const { message, errno, file } = state.error;
    const suffix = errorDetailSuffix(message, errno, file);
    return (
      <p role="alert" aria-label={label} data-testid={testId} className="min-h-4 text-danger">
        {message}
        {suffix && <span className="text-muted"> {suffix}</span>}
      </p>
    );
  }
  const text = state?.status === 'pending' ? 'Applying…' : state?.status === 'ok' ? describeOk(state.data) : '';
  return (
    <p role="status" aria-label={label} data-testid={testId} className={`min-h-4 ${state?.status === 'ok' ? 'text-ok' : 'text-muted'}`}>
      {text}
    </p>
  );
}
