import { defineConfig } from '@playwright/test';

/** CGDASH_E2E_TARGET=vm: the agent runs in the emulated (TCG) cgroup v2 VM, several times slower. */
const inVm = process.env.CGDASH_E2E_TARGET === 'vm';

/**
 * End-to-end suite: the real agent (root, real cgroups under a cgdash-test-* parent) and the real web
 * server, started by global-setup through the same start script operators use, driven in Debian's Chromium.
 * One worker: the tests share real cgroups and the machine's two CPUs. With CGDASH_E2E_TARGET=vm the
 * agent runs inside the cgroup v2 VM instead (`npm run test:v2`; see e2e/global-setup.ts).
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: inVm ? 180_000 : 60_000,
  expect: { timeout: inVm ? 30_000 : 10_000 },
  outputDir: '../test-results',
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CGDASH_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
