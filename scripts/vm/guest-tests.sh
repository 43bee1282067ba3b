#!/bin/sh
# Runs inside the v2 VM (started by scripts/vm/test-v2.sh through run.sh): each test file in its own
# `node --import tsx --test`, its TAP in /run/cgdash-vm/tap/<file>.tap.
#
# Under the emulated (TCG) CPU a Node process dies on its own now and then: measured, 3 of 24 bare
# `node --import tsx` loads of the agent's modules ended in SIGSEGV (1 of 12 still did with
# --wasm-enforce-bounds-checks --no-wasm-memory-protection-keys, 1 of 12 with --single-threaded),
# and tsx's WebAssembly lexer once reported "memory access out of bounds". So a file whose run
# *crashed* (the only failure in its TAP is the file itself: no test assertion failed) is run again,
# up to twice more, in the same boot; each earlier TAP is kept as <file>.run<N>.tap and the file is
# named in /run/cgdash-vm/retried. A file in which a test failed is never re-run: it counts as failed.
# Exit status: 0 when every file passed in its last run, 1 otherwise.
out=/run/cgdash-vm/tap
mkdir -p "$out"
: > /run/cgdash-vm/retried
status=0
run() {
  node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$out/$2.tap" "$1"
}
# True when every "not ok" line of the TAP names a test file (the runner's file-level failure), i.e.
# the process died without any test failing. A TAP without one (the runner itself died) counts too.
crashed() {
  ! grep -E '^ *not ok [0-9]+ - ' "$1" 2>/dev/null | grep -vqE ' - .*\.test\.ts$'
}
for f in "$@"; do
  b=$(basename "$f" .test.ts)
  attempt=1
  until run "$f" "$b"; do
    if ! crashed "$out/$b.tap" || [ "$attempt" -ge 3 ]; then status=1; break; fi
    mv "$out/$b.tap" "$out/$b.run$attempt.tap" 2>/dev/null
    echo "== $f: the test process died with no test failing (run $attempt); running it again"
    echo "$f (run $attempt crashed)" >> /run/cgdash-vm/retried
    attempt=$((attempt + 1))
  done
done
exit $status
