#!/usr/bin/env bash
# Writes a compatibility fixture: the state directory a release of GridSearch leaves behind when it is killed
# (SIGKILL) after the first run of a fused sweep finished, beside the data it trained on. StoredStateTests resumes it
# with the current build and requires exactly the result of an uninterrupted run.
# Usage: make-fixture.sh GRIDSEARCH_DLL FIXTURE_DIR   (the dll of the release, e.g. built from a git worktree at its
# commit; FIXTURE_DIR holds data/ and receives state/). The data must sit at the fixed path below, with fixed
# modification times, both when the fixture is made and when it is resumed: the sweep's state names its data root and
# the files' sizes and times.
set -euo pipefail
dll="$1"
fixture="$(cd "$2" && pwd)"
data=/tmp/gridsearch-compat-$(basename "$fixture")/data
rm -rf "$data" && mkdir -p "$(dirname "$data")" && cp -r "$fixture/data" "$data"
find "$data" -type f -exec touch -m -d '2026-01-01 00:00:00 UTC' {} +
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
GRIDSEARCH_HOLD_AT=run-finished GRIDSEARCH_HOLD_FILE="$work/held" dotnet "$dll" run --data "$data" \
  --lr 0.05,0.01 --batch-size 8,16 --epochs 2,3 --seed 5 --image-size 16 --slots 1 --sweep-id compat \
  --state "$work/state" --cache-dir "$work/cache" --out "$work/out" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do [[ -f "$work/held" ]] && break; kill -0 $pid 2>/dev/null || { cat "$work/log"; exit 1; }; sleep 0.2; done
[[ -f "$work/held" ]] || { echo "the run never reached run-finished" >&2; kill -9 $pid; exit 1; }
kill -9 $pid
wait $pid 2>/dev/null || true
rm -rf "$fixture/state"
cp -r "$work/state" "$fixture/state"
rm -f "$fixture/state/gateway.json" # a secret and ports of the killed process, made anew by every run
find "$fixture/state" -type f | sort
