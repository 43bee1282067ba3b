#!/usr/bin/env bash
# The README's test command (`npm test`): unit + integration tests (Node's test runner, real cgroups),
# then the end-to-end suite (Playwright in Debian's Chromium against the real agent and web server).
# Prints one closing line "total: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Debian's Chromium drives the e2e suite and cgroup-tools gives the integration tests cgcreate/cgget;
# install them when missing (the same packages .ci/run installs), so this command works on a fresh machine.
if [ ! -x "${CGDASH_CHROMIUM:-/usr/bin/chromium}" ] || ! command -v cgget >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "== installing chromium and cgroup-tools (apt)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium cgroup-tools
  else
    echo "npm test needs Debian's chromium and cgroup-tools: run it as root, or apt-get install chromium cgroup-tools first" >&2
  fi
fi

echo "== typecheck"
npx tsc --noEmit -p . || { echo "total: 0 passed, 1 failed"; exit 1; }

echo "== unit and integration tests (node --test)"
node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$out/node.tap" \
  $(git ls-files --cached --others --exclude-standard '*.test.ts' | grep -v '^e2e/')
node_rc=$?
node_pass=$(grep -E '^# pass ' "$out/node.tap" | awk '{print $3}'); node_pass=${node_pass:-0}
node_fail=$(grep -E '^# fail ' "$out/node.tap" | awk '{print $3}'); node_fail=${node_fail:-0}
[ "$node_rc" -ne 0 ] && [ "$node_fail" -eq 0 ] && node_fail=1

echo "== build the web app"
if ! npx next build > "$out/build.log" 2>&1; then cat "$out/build.log"; echo "total: $node_pass passed, $((node_fail + 1)) failed"; exit 1; fi

echo "== end-to-end tests (Playwright, Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$out/e2e.json" npx playwright test -c e2e/playwright.config.ts --reporter=list,json
e2e_rc=$?
read -r e2e_pass e2e_fail < <(node -e '
  const fs = require("fs"); let s = { expected: 0, unexpected: 0, flaky: 0 };
  try { s = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).stats; } catch {}
  console.log(`${s.expected + s.flaky} ${s.unexpected}`);' "$out/e2e.json")
[ "$e2e_rc" -ne 0 ] && [ "$e2e_fail" -eq 0 ] && e2e_fail=1

echo "unit+integration: $node_pass passed, $node_fail failed; e2e: $e2e_pass passed, $e2e_fail failed"
echo "total: $((node_pass + e2e_pass)) passed, $((node_fail + e2e_fail)) failed"
[ "$node_rc" -eq 0 ] && [ "$e2e_rc" -eq 0 ]
