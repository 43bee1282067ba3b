import { test, expect, machineCpus } from './fixtures';

test.describe('overview', () => {
  test('shows the demo tenants live with the host header, sorted by CPU, and saves the README screenshot', async ({ overview, page }) => {
    await expect(overview.connection).toHaveAttribute('data-state', 'live');
    for (const name of ['bob', 'alice', 'eve']) await expect(overview.row(name)).toBeVisible();
    await expect(overview.coreBars).toBeVisible();
    // bob burns a whole core: about 100 / cpuCount % of the machine, and he is the top row when sorted by CPU.
    await expect.poll(async () => parseFloat((await overview.row('bob').locator('td').nth(1).innerText()).replace(/[^\d.]/g, '')), { timeout: 15_000 })
      .toBeGreaterThan(100 / (await machineCpus()) / 2);
    await expect(overview.rowNames().first()).toHaveAttribute('data-testid', 'sandbox-row-bob');
    await expect(overview.row('alice')).toContainText('256');
    // Give the sparklines and alice's memory a few seconds of history before the picture is taken.
    await page.waitForTimeout(8000);
    await page.setViewportSize({ width: 1280, height: 330 });
    // `npm run screenshot` refreshes the README's picture; a plain test run keeps it out of the work tree.
    await page.screenshot({ path: process.env.CGDASH_UPDATE_SCREENSHOT === '1' ? 'docs/screenshot.png' : test.info().outputPath('overview.png') });
  });

  test('sorts by name and by memory when the headers are clicked', async ({ overview }) => {
    await expect(overview.row('alice')).toBeVisible();
    const demo = async () => (await overview.rowNames().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('sandbox-row-'.length))))
      .filter((n) => ['alice', 'bob', 'eve'].includes(n));
    await overview.sortBy(/^name/i).click();
    const first = await demo();
    expect([['alice', 'bob', 'eve'], ['eve', 'bob', 'alice']]).toContainEqual(first);
    await overview.sortBy(/^name/i).click();
    await expect.poll(demo).toEqual([...first].reverse());
    await overview.sortBy(/^memory/i).click();
    // alice holds tens of MiB, bob and eve almost nothing: she leads in one direction, trails in the other.
    await expect.poll(async () => { const d = await demo(); return d[0] === 'alice' || d[2] === 'alice'; }).toBe(true);
  });

  test('a sandbox created by another tool appears within a sample and links to its page', async ({ overview, page }) => {
    const { agentApi } = await import('./fixtures');
    expect((await agentApi('POST', '/api/v1/sandboxes', { name: 'late-comer' })).status).toBe(201);
    try {
      await expect(overview.row('late-comer')).toBeVisible({ timeout: 5000 });
      await overview.row('late-comer').getByRole('link', { name: 'late-comer' }).click();
      await expect(page).toHaveURL(/\/sandboxes\/late-comer$/);
    } finally {
      await agentApi('DELETE', '/api/v1/sandboxes/late-comer');
    }
  });
});
