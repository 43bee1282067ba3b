#!/usr/bin/env bash
# `npm run test:v2`: the real-cgroup tests on a real cgroup v2 kernel, in two boots of the VM of
# scripts/vm/run.sh (Debian's kernel, cgroup_no_v1=all, TCG):
#   1. inside it, with the host's node and this checkout, each of V2_TESTS (or the files given as
#      arguments) in its own `node --import tsx --test` (scripts/vm/guest-tests.sh: a file whose
#      test process crashed with no test failing is run again, up to twice, and the closing lines say so);
#   2. (not when files are given) the Playwright e2e suite with CGDASH_E2E_TARGET=vm: the agent and
#      the demo tenants in the guest, the web server and Chromium here (e2e/global-setup.ts).
# Prints one closing line "v2: N passed, N failed" over both and exits non-zero when any test failed
# or the VM did not boot (then the console log is printed; the lane never skips).
set -uo pipefail
cd "$(dirname "$0")/../.."
# The real-cgroup tests whose kernel-file reads are parameterised by layout (test/helpers/kernel-files.ts).
V2_TESTS=(test/integration/driver.test.ts test/integration/agent-api.test.ts test/integration/accuracy.test.ts test/integration/metrics.test.ts test/integration/nested.test.ts test/integration/agent-attacks.test.ts test/integration/relay.test.ts)
files=("$@"); run_e2e=1
[ ${#files[@]} -gt 0 ] && run_e2e=0 || files=("${V2_TESTS[@]}")

res=$(mktemp -d /tmp/cgdash-v2.XXXXXX)
t0=$(date +%s)
echo "== cgroup v2 lane: ${files[*]}"
CGDASH_VM_RESULTS="$res" scripts/vm/run.sh --timeout "${CGDASH_V2_TIMEOUT:-900}" --cwd "$PWD" \
  --env CGDASH_REQUIRE_REAL_CGROUPS=1 --env CI="${CI:-}" -- \
  sh scripts/vm/guest-tests.sh "${files[@]}"
rc=$?
# Each file's last run counts (tap/<file>.tap; a crashed run before it is kept as tap/<file>.run<N>.tap).
pass=0; fail=0
for f in "$res"/tap/*.tap; do
  case "$f" in *.run[0-9].tap) continue ;; esac
  [ -f "$f" ] || continue
  p=$(grep -E '^# pass ' "$f" | awk '{print $3}'); x=$(grep -E '^# fail ' "$f" | awk '{print $3}')
  pass=$((pass + ${p:-0})); fail=$((fail + ${x:-0}))
  # A file whose runner died leaves no summary: that is a failure too.
  [ -z "$p" ] && [ -z "$x" ] && fail=$((fail + 1))
done
if [ -s "$res/retried" ]; then
  echo "v2 lane: re-run after the emulated CPU crashed the test process (see above): $(tr '\n' ';' < "$res/retried")"
  echo "v2 lane: what the guest kernel logged about crashed or killed processes:"
  grep -E 'segfault|traps:|general protection|Out of memory|oom-kill|Killed process' "$res/console.log" | sed 's/^/  /' || echo "  (nothing)"
fi
# A VM that did not boot, a timeout or a crashed runner counts as a failure even with no TAP summary.
[ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
[ "$rc" -eq 0 ] && [ "$pass" -eq 0 ] && { echo "v2 lane: no test ran" >&2; fail=1; rc=1; }
if [ "$rc" -ne 0 ] || [ "$fail" -ne 0 ]; then
  # Keep everything for a post-mortem and show the whole kernel log (OOM kills, crashes of a test process).
  echo "---- full VM console log ----"; cat "$res/console.log" 2>/dev/null; echo "---- end of console log ----"
  echo "v2 lane: results kept in $res (console.log, output.log, tap/)"
else
  rm -rf "$res"
fi

e2e_rc=0
if [ "$run_e2e" -eq 1 ]; then
  echo "== cgroup v2 lane: the e2e suite against an agent in the VM"
  [ -s .next/BUILD_ID ] || npx next build > "$res.build.log" 2>&1 || { cat "$res.build.log"; e2e_rc=1; }
  rm -f "$res.build.log"
  if [ "$e2e_rc" -eq 0 ]; then
    CGDASH_E2E_TARGET=vm PLAYWRIGHT_JSON_OUTPUT_NAME="$res.e2e.json" npx playwright test -c e2e/playwright.config.ts --reporter=list,json
    e2e_rc=$?
  fi
  read -r e2e_pass e2e_fail < <(node -e '
    const fs = require("fs"); let s = { expected: 0, unexpected: 0, flaky: 0 };
    try { s = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).stats; } catch {}
    console.log(`${s.expected + s.flaky} ${s.unexpected}`);' "$res.e2e.json")
  rm -f "$res.e2e.json"
  [ "$e2e_rc" -ne 0 ] && [ "$e2e_fail" -eq 0 ] && e2e_fail=1
  echo "v2 integration: $pass passed, $fail failed; v2 e2e: $e2e_pass passed, $e2e_fail failed"
  pass=$((pass + e2e_pass)); fail=$((fail + e2e_fail))
fi
echo "v2 lane took $(( $(date +%s) - t0 )) s"
echo "v2: $pass passed, $fail failed"
[ "$rc" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$e2e_rc" -eq 0 ]
