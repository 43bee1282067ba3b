#!/usr/bin/env bash
# `npm run test:v2`: the real-cgroup integration tests on a real cgroup v2 kernel. Boots the VM of
# scripts/vm/run.sh once (Debian's kernel, cgroup_no_v1=all, TCG) and runs, inside it, with the
# host's node and this checkout:
#   node --import tsx --test <V2_TESTS, or the files given as arguments>
# Prints one closing line "v2: N passed, N failed" and exits non-zero when any test failed or the
# VM did not boot (then the console log is printed; the lane never skips).
set -uo pipefail
cd "$(dirname "$0")/../.."
# The real-cgroup tests whose kernel-file reads are parameterised by layout (test/helpers/kernel-files.ts).
V2_TESTS=(test/integration/driver.test.ts test/integration/agent-api.test.ts)
files=("$@"); [ ${#files[@]} -gt 0 ] || files=("${V2_TESTS[@]}")

res=$(mktemp -d /tmp/cgdash-v2.XXXXXX)
t0=$(date +%s)
echo "== cgroup v2 lane: ${files[*]}"
CGDASH_VM_RESULTS="$res" scripts/vm/run.sh --timeout "${CGDASH_V2_TIMEOUT:-900}" --cwd "$PWD" \
  --env CGDASH_REQUIRE_REAL_CGROUPS=1 --env CI="${CI:-}" -- \
  node --import tsx --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination=/run/cgdash-vm/v2.tap \
    "${files[@]}"
rc=$?
pass=$(grep -E '^# pass ' "$res/v2.tap" 2>/dev/null | awk '{print $3}'); pass=${pass:-0}
fail=$(grep -E '^# fail ' "$res/v2.tap" 2>/dev/null | awk '{print $3}'); fail=${fail:-0}
# A VM that did not boot, a timeout or a crashed runner counts as a failure even with no TAP summary.
[ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
[ "$rc" -eq 0 ] && [ "$pass" -eq 0 ] && { echo "v2 lane: no test ran" >&2; fail=1; rc=1; }
if [ "$rc" -ne 0 ] || [ "$fail" -ne 0 ]; then
  # Keep everything for a post-mortem and show the whole kernel log (OOM kills, crashes of a test process).
  echo "---- full VM console log ----"; cat "$res/console.log" 2>/dev/null; echo "---- end of console log ----"
  echo "v2 lane: results kept in $res (console.log, output.log, v2.tap)"
else
  rm -rf "$res"
fi
echo "v2 lane took $(( $(date +%s) - t0 )) s"
echo "v2: $pass passed, $fail failed"
[ "$rc" -eq 0 ] && [ "$fail" -eq 0 ]
