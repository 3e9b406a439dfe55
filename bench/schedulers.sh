#!/usr/bin/env bash
# Early stopping on real data: the same 16-cell sweep (bench/sweeps/schedulers.yaml) on cat_dog under each
# scheduler, with a warm decode cache. Prints epochs trained, wall time and the winner for each, and the share of
# fifo's epochs the others trained. Writes bench/results/schedulers.json.
# Usage: bench/schedulers.sh [DATA_DIR]   (default: ../shared/datasets/cat_dog)
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
# One short sweep first so every timed one reads the decode cache.
dotnet "$cli" run --data "$data" --state "$work/warm" --cache-dir "$cache" --lr 0.01 --batch-size 16 --epochs 1 --json >/dev/null 2>&1
for scheduler in fifo halving asha median; do
  start=$(date +%s.%N)
  dotnet "$cli" run --config "$here/sweeps/schedulers.yaml" --data "$data" --scheduler "$scheduler" --sweep-id "$scheduler" \
    --state "$work/$scheduler" --cache-dir "$cache" --out "$work/out-$scheduler" --json > "$work/$scheduler.json" 2>/dev/null
  end=$(date +%s.%N)
  echo "$scheduler $(echo "$end - $start" | bc)" >> "$work/walls"
done
python3 - "$work" "$here/results/schedulers.json" <<'PY'
import json, sys, platform, os
work, out = sys.argv[1], sys.argv[2]
walls = dict(line.split() for line in open(os.path.join(work, "walls")))
rows = {}
for name in ["fifo", "halving", "asha", "median"]:
    d = json.load(open(os.path.join(work, name + ".json")))
    stopped = sum(1 for t in d["trials"] if t["status"] == "Stopped")
    rows[name] = {"epochsTrained": d["timings"]["epochsTrained"], "wallSeconds": round(float(walls[name]), 1),
                  "winner": d["best"]["trialId"], "winnerEpoch": d["best"]["epoch"],
                  "winnerValAccuracy": d["best"]["valAccuracy"], "testAccuracy": d["testAccuracy"], "stoppedCells": stopped}
fifo = rows["fifo"]
for name, row in rows.items():
    row["epochShareOfFifo"] = round(row["epochsTrained"] / fifo["epochsTrained"], 3)
    row["valAccuracyBelowFifo"] = round(fifo["winnerValAccuracy"] - row["winnerValAccuracy"], 4)
    print(f"{name:8} epochs {row['epochsTrained']:4} ({row['epochShareOfFifo']:.0%} of fifo)  wall {row['wallSeconds']:6.1f} s  "
          f"stopped {row['stoppedCells']:2}  winner {row['winner']} epoch {row['winnerEpoch']} val {row['winnerValAccuracy']:.4f} "
          f"(fifo - this = {row['valAccuracyBelowFifo']:+.4f})  test {row['testAccuracy']:.4f}")
json.dump({"machine": f"{platform.node()} {os.cpu_count()} cores", "cells": 16, "results": rows}, open(out, "w"), indent=2)
PY
