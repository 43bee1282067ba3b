import { test, expect } from './fixtures';

test.describe('pressure (PSI)', () => {
  test('the sandbox page shows the PSI the kernel keeps for the group, and says so where it keeps none', async ({ sandboxPage, tenant }) => {
    await sandboxPage.open(tenant.name);
    await expect(sandboxPage.processes).toContainText('yes');
    const panel = sandboxPage.page.getByTestId('pressure-panel');
    const kernel = await tenant.probe('cpuPressure');
    if (kernel === null) {
      // v1 / hybrid without a unified-hierarchy group: no pressure file, so no numbers, not zeros.
      await expect(panel).toContainText('not available');
      await expect(panel.getByRole('table')).toHaveCount(0);
      return;
    }
    // v2: cpu.pressure of the sandbox itself ("some avg10=… avg60=… …").
    expect(kernel).toMatch(/^some avg10=[\d.]+ avg60=[\d.]+/);
    const table = panel.getByRole('table', { name: 'Pressure stall information' });
    for (const resource of ['cpu', 'memory', 'io']) {
      await expect(table.getByRole('row').filter({ has: sandboxPage.page.getByRole('rowheader', { name: resource }) }))
        .toContainText(/\d+\.\d\d\s?%/);
    }
    await expect(panel).not.toContainText('not available');
    await sandboxPage.page.screenshot({ path: test.info().outputPath('sandbox-v2.png'), fullPage: true });
  });
});
