#!/usr/bin/env bash
# GridSearch's benchmarks (not part of the test suite). Each prints a table and writes JSON to bench/results/.
#   bench/run.sh                      every suite on ../shared/datasets/cat_dog
#   bench/run.sh seed-grid --repeats 3
# Suites: throughput (decode and training throughput), seed-grid (end to end against the bare loop, fused and not),
# wide-grid (64 cells fused against --no-fuse), fused (one fused group against its runs one at a time, trainer level),
# conv-fusion (the CNN's blocks for 16 cells as one wide model with grouped convolutions against one cell at a time),
# overhead (2000 no-op trials on 16 slots, embedded and on a 3-silo Redis cluster), resume (time to train again),
# memory (peak resident memory on the photos and on generated sets of 25,000 and 100,000 images), watch (a watcher of a
# 10,000-cell simulated sweep: silo CPU and bytes per second, whole snapshots against changes; --seconds per stretch).
# The overhead and watch suites need redis-server (./scripts/test.sh installs it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet build "$root/GridSearch.sln" -c Release -nologo -v quiet -clp:ErrorsOnly
# gridsearch commands are measured as users run them: the tool ./gridsearch publishes (ahead-of-time compiled).
"$root/gridsearch" --help >/dev/null
export GRIDSEARCH_CLI="${GRIDSEARCH_TOOL_DIR:-$root/.gridsearch}/tool/gridsearch.dll"
exec dotnet "$root/bench/GridSearch.Bench/bin/Release/net10.0/GridSearch.Bench.dll" "$@"
