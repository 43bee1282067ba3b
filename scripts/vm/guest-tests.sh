#!/bin/sh
# Runs inside the v2 VM (started by scripts/vm/test-v2.sh through run.sh): each test file in its own
# `node --import tsx --test`, its TAP in /run/cgdash-vm/tap/<file>.tap. A file that fails is run once
# more in the same boot, its first TAP kept as <file>.first.tap and named in /run/cgdash-vm/retried:
# under the emulated (TCG) CPU a test *process* has died on its own now and then (a SIGSEGV, a
# WebAssembly "memory access out of bounds" inside tsx's module lexer, once a process lost without a
# trace) with no failing assertion. A real failure fails both runs and counts as failed.
# Exit status: 0 when every file passed in its last run, 1 otherwise.
out=/run/cgdash-vm/tap
mkdir -p "$out"
: > /run/cgdash-vm/retried
status=0
run() {
  node --import tsx --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$out/$2.tap" "$1"
}
for f in "$@"; do
  b=$(basename "$f" .test.ts)
  if ! run "$f" "$b"; then
    echo "== $f failed in the VM; running it once more (first run's TAP kept as tap/$b.first.tap)"
    mv "$out/$b.tap" "$out/$b.first.tap" 2>/dev/null
    echo "$f" >> /run/cgdash-vm/retried
    run "$f" "$b" || status=1
  fi
done
exit $status
