import { io as ioClient } from 'socket.io-client';
import { test, expect, loginUrl, webUrl } from './fixtures';

test.describe('login', () => {
  test('without a session every page leads to the login page', async ({ page }) => {
    await page.goto(webUrl('/'));
    await expect(page).toHaveURL(/\/login/);
    await page.goto(webUrl('/sandboxes/bob'));
    await expect(page).toHaveURL(/\/login/);
  });

  test('the live socket refuses a client without a session', async () => {
    const origin = webUrl('/').replace(/\/$/, '');
    const sock = ioClient(origin, { transports: ['websocket'], reconnection: false, extraHeaders: { origin } });
    try {
      const err = await new Promise<Error>((resolve, reject) => {
        sock.once('connect_error', resolve);
        sock.once('connect', () => reject(new Error('connected without a session')));
        setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
      });
      expect(err.message).toMatch(/session|unauthori[sz]ed|log ?in/i);
    } finally {
      sock.close();
    }
  });

  test('a wrong token is refused with a clear message', async ({ page }) => {
    await page.goto(webUrl('/login?token=not-the-token'));
    await expect(page.getByText('That token is not valid.')).toBeVisible();
  });

  test('the printed login URL sets an HttpOnly session cookie and drops the token from the address bar', async ({ page, context }) => {
    await page.goto(loginUrl());
    await expect(page).toHaveURL(webUrl('/'));
    expect(page.url()).not.toContain('token');
    const cookies = await context.cookies();
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) {
      expect(c.httpOnly).toBe(true);
      expect(c.value).not.toContain(new URL(loginUrl()).searchParams.get('token')!);
    }
    await expect(page.getByRole('table', { name: 'Sandboxes' })).toBeVisible();
  });
});
