'use client';

/** Render errors inside the dashboard: say what happened and offer a retry, keep the top bar. */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="m-3 space-y-2 border border-danger/50 p-3">
      <p role="alert" className="text-danger">
        This view failed to render: {error.message}
      </p>
      <button type="button" onClick={reset} className="border border-line bg-panel-2 px-2.5 py-0.5">
        Try again
      </button>
    </main>
  );
}
