import type { ButtonHTMLAttributes } from 'react';

export type ButtonVariant = 'default' | 'danger' | 'primary';

const VARIANTS: Record<ButtonVariant, string> = {
  default: 'border-line bg-panel-2 text-fg hover:border-muted',
  primary: 'border-mem/70 bg-mem/15 text-fg hover:bg-mem/25',
  danger: 'border-danger/70 bg-danger/10 text-danger hover:bg-danger/20',
};

/** A compact, square-cornered button. */
export function Button({ variant = 'default', className = '', type = 'button', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant }) {
  return (
    <button
      type={type}
      className={`border px-2.5 py-0.5 disabled:cursor-not-allowed disabled:opacity-50 ${VARIANTS[variant]} ${className}`}
      {...rest}
    />
  );
}
