/**
 * The dependency direction from STYLE.md §1, checked on every import in the tree:
 * app → components → lib; server/agent → lib/protocol, lib/units; server/web → lib/protocol;
 * nothing in lib/ imports app/, components/ or server/; lib/protocol imports only zod and itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.endsWith('.test.ts') && !f.startsWith('e2e/') && !f.startsWith('test/') && !f.startsWith('scripts/'));

/** Repo-relative targets of a file's imports (relative and @/ ones), and its bare package imports. */
function importsOf(file: string): { local: string[]; packages: string[] } {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
  const local: string[] = [];
  const packages: string[] = [];
  for (const s of specs) {
    if (s.startsWith('.')) local.push(relative(root, normalize(join(root, dirname(file), s))));
    else if (s.startsWith('@/')) local.push(s.slice(2));
    else packages.push(s);
  }
  return { local, packages };
}

const RULES: Array<{ from: string; mayNotImport: string[] }> = [
  { from: 'lib/', mayNotImport: ['app/', 'components/', 'server/'] },
  { from: 'components/', mayNotImport: ['app/', 'server/'] },
  { from: 'app/', mayNotImport: ['server/'] },
  { from: 'server/agent/', mayNotImport: ['app/', 'components/', 'server/web/', 'lib/store/', 'lib/client/'] },
  { from: 'server/web/', mayNotImport: ['app/', 'components/', 'server/agent/', 'lib/store/', 'lib/client/'] },
];

test('imports follow the dependency direction of STYLE.md §1', () => {
  const broken: string[] = [];
  for (const file of files) {
    const { local } = importsOf(file);
    for (const rule of RULES.filter((r) => file.startsWith(r.from))) {
      for (const target of local) if (rule.mayNotImport.some((p) => target.startsWith(p))) broken.push(`${file} → ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('lib/protocol imports nothing at runtime but zod and itself', () => {
  const broken: string[] = [];
  for (const file of files.filter((f) => f.startsWith('lib/protocol/'))) {
    const { local, packages } = importsOf(file);
    for (const p of packages) if (p !== 'zod') broken.push(`${file} → ${p}`);
    for (const t of local) if (!t.startsWith('lib/protocol/')) broken.push(`${file} → ${t}`);
  }
  assert.deepEqual(broken, []);
});
