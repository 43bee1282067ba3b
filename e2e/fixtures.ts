import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadLayout } from '../server/agent/cgroupfs/layout';
import type { V1Controller } from '../server/agent/cgroupfs/driver';
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
  /** Reads a kernel file of this sandbox (v1: from the controller's hierarchy; v2: the one directory). */
  read(controller: V1Controller, file: string): string;
}

const layout = loadLayout('/');
export const cpuCount = Number(readFileSync('/sys/devices/system/cpu/online', 'utf8').trim().split(/[-,]/).pop()) + 1;

/** Reads a kernel file of sandbox `name` under the e2e parent. */
export function readKernel(name: string, controller: V1Controller, file: string): string {
  const mount = layout.kind === 'v2' ? layout.unified! : layout.v1[controller]!;
  return readFileSync(join(mount, env('CGDASH_E2E_PARENT'), name, file), 'utf8').trim();
}

async function startTenant(): Promise<{ tenant: Tenant; proc: ChildProcess }> {
  const name = `t${randomBytes(3).toString('hex')}`;
  const created = await agentApi('POST', '/api/v1/sandboxes', { name });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  // sh waits on stdin until it is inside the sandbox, then execs yes (same PID).
  const proc = spawn('sh', ['-c', 'read _ ; exec yes > /dev/null'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const moved = await agentApi('POST', `/api/v1/sandboxes/${name}/procs`, { pid: proc.pid });
  expect(moved.status, JSON.stringify(moved.json)).toBe(200);
  proc.stdin!.end('go\n');
  return { tenant: { name, pid: proc.pid!, read: (c, f) => readKernel(name, c, f) }, proc };
}

export const test = base.extend<{ loggedIn: Page; overview: OverviewPage; sandboxPage: SandboxPage; tenant: Tenant }>({
  loggedIn: async ({ page }, use) => {
    await page.goto(env('CGDASH_E2E_LOGIN_URL'));
    await use(page);
  },
  overview: async ({ loggedIn }, use) => use(new OverviewPage(loggedIn)),
  sandboxPage: async ({ loggedIn }, use) => use(new SandboxPage(loggedIn)),
  tenant: async ({}, use) => {
    const { tenant, proc } = await startTenant();
    try {
      await use(tenant);
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await agentApi('POST', `/api/v1/sandboxes/${tenant.name}/kill`);
      await agentApi('DELETE', `/api/v1/sandboxes/${tenant.name}`);
    }
  },
});

export { expect };
export const webUrl = (path: string) => new URL(path, env('CGDASH_E2E_WEB_URL')).href;
export const loginUrl = () => env('CGDASH_E2E_LOGIN_URL');
