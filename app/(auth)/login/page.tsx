import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Log in · cgdash' };

/** Token login. The web server itself answers GET /login?token=… (cookie + redirect); this page is the fallback. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { error } = await searchParams;
  const invalid = error === 'invalid';
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <section className="w-full max-w-md border border-line bg-panel" aria-labelledby="login-title">
        <header className="flex items-center justify-between border-b border-line px-4 py-2">
          <h1 id="login-title" className="font-bold tracking-wide">
            cgdash
          </h1>
          <span className="text-muted">sandbox cgroups · live</span>
        </header>
        <div className="space-y-4 px-4 py-4">
          <p>
            Open the login URL printed by <code className="bg-panel-2 px-1 text-cpu">npm start</code> on the server.
          </p>
          <p className="text-muted">
            It looks like <code className="text-fg">http://HOST:PORT/login?token=…</code>. Or paste the token (from{' '}
            <code className="text-fg">$CGDASH_STATE_DIR/web.token</code>) here:
          </p>
          <form method="get" action="/login" className="space-y-2">
            <label htmlFor="token" className="block text-muted">
              Token
            </label>
            <div className="flex gap-2">
              <input
                id="token"
                name="token"
                type="password"
                required
                autoComplete="off"
                autoFocus
                aria-invalid={invalid || undefined}
                aria-describedby={invalid ? 'login-error' : undefined}
                className="min-w-0 flex-1 border border-line bg-bg px-2 py-1 text-fg outline-none focus:border-mem"
              />
              <button type="submit" className="border border-line bg-panel-2 px-3 py-1 hover:border-mem">
                Log in
              </button>
            </div>
            {invalid && (
              <p id="login-error" role="alert" className="text-danger">
                That token is not valid.
              </p>
            )}
          </form>
        </div>
      </section>
    </main>
  );
}
