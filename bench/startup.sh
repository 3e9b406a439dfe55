#!/usr/bin/env bash
# Start-up cost of gridsearch run: wall time of a one-epoch run on the photos with a warm decode cache, for two builds
# of the tool side by side (alternating, 6 runs each). Usage: bench/startup.sh OLD/gridsearch.dll NEW/gridsearch.dll
set -u
R="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; DATA="${DATA:-$R/../shared/datasets/cat_dog}"
W="$(mktemp -d)"; export GRIDSEARCH_CACHE_DIR=$W/cache
for tool in "old:$1" "new:$2"; do
  name=${tool%%:*}; dll=${tool#*:}
  GRIDSEARCH_STATE_DIR=$W/warm-$name dotnet $dll run --data "$DATA" --lr 0.01 --batch-size 32 --epochs 1 --out $W/out >/dev/null 2>&1
done
for i in 1 2 3 4 5 6; do
  for tool in "old:$1" "new:$2"; do
    name=${tool%%:*}; dll=${tool#*:}
    rm -rf $W/state-$name
    s=$(date +%s.%N); GRIDSEARCH_STATE_DIR=$W/state-$name dotnet $dll run --data "$DATA" --lr 0.01 --batch-size 32 --epochs 1 --out $W/out >/dev/null 2>&1; e=$(date +%s.%N)
    echo "$name $(echo "$e - $s" | bc)"
  done
done
