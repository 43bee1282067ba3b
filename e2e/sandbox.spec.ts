import { test, expect, machineCpus } from './fixtures';

/** The CFS quota (µs per 100 ms period) that `percent` % of the agent's machine comes to. */
const quotaFor = async (percent: number) => Math.round((percent / 100) * (await machineCpus()) * 100_000);

test.describe('sandbox page controls act on the real cgroup', () => {
  test('dragging the CPU limit applies while dragging, the final value lands in the CFS quota (cpu.cfs_quota_us or cpu.max), and usage falls to it', async ({ sandboxPage, tenant }) => {
    await sandboxPage.open(tenant.name);
    await expect(sandboxPage.processes).toContainText('yes');
    await expect(sandboxPage.cpuChart).toContainText('no limit');
    expect(await tenant.probe('cpuQuotaUsec')).toBeNull();

    await sandboxPage.dragCpuLimit(20, {
      whileHeld: async () => {
        // Button still down: the throttled writes have already reached the kernel.
        await expect.poll(() => tenant.probe('cpuQuotaUsec'), { timeout: 3000 }).not.toBeNull();
      },
    });
    const dragged = Number(await sandboxPage.cpuSlider.inputValue());
    expect(Math.abs(dragged - 20)).toBeLessThanOrEqual(3);
    await expect.poll(() => tenant.probe('cpuQuotaUsec')).toBe(await quotaFor(dragged));
    await expect(sandboxPage.cpuResult).toContainText(`${dragged}`);

    // The walkthrough: hold the tenant to 5 % of the machine with the keyboard, exactly.
    await sandboxPage.cpuSlider.focus();
    await sandboxPage.page.keyboard.press('Home');
    for (let i = 0; i < 4; i++) await sandboxPage.page.keyboard.press('ArrowRight');
    await expect.poll(() => tenant.probe('cpuQuotaUsec')).toBe(await quotaFor(5));
    await expect(sandboxPage.cpuChart).toContainText(/limit 5(\.0)?\s?%/);
    // The chart's headline value (current CPU % of machine) falls to about the limit.
    await expect.poll(async () => parseFloat((await sandboxPage.cpuChart.locator('figcaption, header').first().innerText()).match(/([\d.]+)\s?%\s*$/)?.[1] ?? 'NaN'), { timeout: 15_000 })
      .toBeLessThan(8);

    await sandboxPage.unlimited.click();
    await expect.poll(() => tenant.probe('cpuQuotaUsec')).toBeNull();
    await expect(sandboxPage.cpuChart).toContainText('no limit');
  });

  test('the memory limit field takes 80M, and a bad size or a refusal shows the error without changing the kernel', async ({ sandboxPage, tenant }) => {
    await sandboxPage.open(tenant.name);
    await sandboxPage.memoryField.fill('80M');
    await sandboxPage.applyMemory.click();
    await expect.poll(() => tenant.probe('memoryLimit')).toBe(80 * 1024 * 1024);
    await expect(sandboxPage.memoryResult).toContainText('80');
    await expect(sandboxPage.memoryChart).toContainText(/limit 80(\.0)? MiB/);

    await sandboxPage.memoryField.fill('80Q');
    await sandboxPage.memoryField.press('Enter');
    await expect(sandboxPage.memoryResult).toHaveAttribute('role', 'alert');
    await expect(sandboxPage.memoryResult).toContainText(/80Q/);
    expect(await tenant.probe('memoryLimit')).toBe(80 * 1024 * 1024);

    await sandboxPage.memoryField.fill('unlimited');
    await sandboxPage.applyMemory.click();
    await expect.poll(() => tenant.probe('memoryLimit')).toBeNull();
  });

  test('freeze stops the tenant, thaw restarts it, and kill (after confirming) empties it', async ({ sandboxPage, tenant }) => {
    await sandboxPage.open(tenant.name);
    await sandboxPage.freeze.click();
    await expect.poll(() => tenant.probe('frozen')).toBe(true);
    await expect(sandboxPage.freezerResult).toContainText(/frozen/i);
    const before = BigInt(await tenant.probe('cpuUsageUsec'));
    await sandboxPage.page.waitForTimeout(500);
    expect(BigInt(await tenant.probe('cpuUsageUsec'))).toBe(before);

    await sandboxPage.thaw.click();
    await expect.poll(() => tenant.probe('frozen')).toBe(false);
    await expect.poll(async () => BigInt(await tenant.probe('cpuUsageUsec')) > before).toBe(true);

    await sandboxPage.freeze.click();
    await expect.poll(() => tenant.probe('frozen')).toBe(true);
    await sandboxPage.kill.click();
    await expect(sandboxPage.page.getByRole('dialog')).toBeVisible();
    expect(await tenant.probe('procs'), 'nothing is killed before the confirmation').toContain(tenant.pid);
    await sandboxPage.confirmKill.click();
    await expect.poll(() => tenant.probe('procs')).toEqual([]);
    await expect(sandboxPage.killResult).toBeVisible();
    await expect(sandboxPage.processes).not.toContainText('yes', { timeout: 5000 });
  });

  test('an unknown sandbox says it does not exist', async ({ sandboxPage }) => {
    await sandboxPage.open('no-such-tenant');
    await expect(sandboxPage.page.getByText(/no longer exists|does not exist/)).toBeVisible();
  });
});
