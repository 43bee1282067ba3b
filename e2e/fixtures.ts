import { test as base, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ProbeName, ProbeResult } from './kernel-probe';
import { target, type Load } from './target';
import { OverviewPage } from './pages/overview-page';
import { SandboxPage } from './pages/sandbox-page';

const env = (key: string) => {
  const v = process.env[key];
  if (!v) throw new Error(`${key} is not set: run the suite through e2e/playwright.config.ts (global-setup starts cgdash)`);
  return v;
};

/** Direct access to the agent's JSON API (with the agent token) for setting up and checking state. */
export async function agentApi(method: string, path: string, body?: unknown) {
  const token = readFileSync(join(env('CGDASH_E2E_STATE_DIR'), 'agent.token'), 'utf8').trim();
  const res = await fetch(`${env('CGDASH_E2E_AGENT_URL')}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** A real loaded sandbox under the e2e parent: a `yes` started inside it, removed in teardown. */
export interface Tenant {
  name: string;
  pid: number;
  /** Reads this sandbox's kernel state where the agent runs (this host, or the v2 VM): see e2e/kernel-probe.ts. */
  probe<P extends ProbeName>(probe: P): Promise<ProbeResult<P>>;
}

/** Online CPUs of the machine the agent manages (this host or the VM), from the agent itself. */
export async function machineCpus(): Promise<number> {
  const host = await agentApi('GET', '/api/v1/host');
  if (host.status !== 200 || typeof host.json?.cpuCount !== 'number') throw new Error(`GET /api/v1/host: ${host.status} ${JSON.stringify(host.json)}`);
  return host.json.cpuCount;
}

async function startTenant(): Promise<{ tenant: Tenant; load: Load }> {
  const name = `t${randomBytes(3).toString('hex')}`;
  const created = await agentApi('POST', '/api/v1/sandboxes', { name });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  // sh waits on stdin until it is inside the sandbox, then execs yes (same PID).
  const load = await target().startLoad();
  const moved = await agentApi('POST', `/api/v1/sandboxes/${name}/procs`, { pid: load.pid });
  expect(moved.status, JSON.stringify(moved.json)).toBe(200);
  await load.release();
  return { tenant: { name, pid: load.pid, probe: (p) => target().probe(p, name) }, load };
}

export const test = base.extend<{ loggedIn: Page; overview: OverviewPage; sandboxPage: SandboxPage; tenant: Tenant }>({
  loggedIn: async ({ page }, use) => {
    await page.goto(env('CGDASH_E2E_LOGIN_URL'));
    await use(page);
  },
  overview: async ({ loggedIn }, use) => use(new OverviewPage(loggedIn)),
  sandboxPage: async ({ loggedIn }, use) => use(new SandboxPage(loggedIn)),
  tenant: async ({}, use) => {
    const { tenant, load } = await startTenant();
    try {
      await use(tenant);
    } finally {
      await load.kill();
      await agentApi('POST', `/api/v1/sandboxes/${tenant.name}/kill`);
      await agentApi('DELETE', `/api/v1/sandboxes/${tenant.name}`);
    }
  },
});

export { expect };
export const webUrl = (path: string) => new URL(path, env('CGDASH_E2E_WEB_URL')).href;
export const loginUrl = () => env('CGDASH_E2E_LOGIN_URL');
