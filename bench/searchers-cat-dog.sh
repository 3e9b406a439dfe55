#!/usr/bin/env bash
# Searchers on real training: the logistic model on cat_dog over lr (log), momentum, weight decay and batch size
# (bench/sweeps/searchers-cat-dog.yaml), 5 epochs per cell, for seeds 0-2: a grid of 24 cells against tpe and random
# with 24 cells, and hyperband and BOHB (random or TPE cells, 9 epochs, eta 3: 17 cells in 3 brackets). Prints the best validation
# accuracy, the winner's test accuracy and the epochs trained, and writes bench/results/searchers-cat-dog.json.
# Usage: bench/searchers-cat-dog.sh [DATA_DIR]   (default: ../shared/datasets/cat_dog)
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
warm_cache 128
for seed in 0 1 2; do
  for searcher in grid tpe random hyperband bohb; do
    case "$searcher" in
      grid) extra=(--search grid) ;;
      tpe | random) extra=(--search "$searcher" --samples 24) ;;
      hyperband) extra=(--search random --samples 17 --scheduler hyperband --eta 3 --epochs 9) ;;
      bohb) extra=(--search bohb --samples 17 --scheduler hyperband --eta 3 --epochs 9) ;;
    esac
    start=$(date +%s.%N)
    dotnet "$cli" run --config "$here/sweeps/searchers-cat-dog.yaml" --data "$data" --seed "$seed" "${extra[@]}" \
      --state "$work/state-$searcher-$seed" --cache-dir "$cache" --out "$work/out" --json > "$work/$searcher-$seed.json" 2>/dev/null
    end=$(date +%s.%N)
    echo "$searcher $seed $(echo "$end - $start" | bc)" >> "$work/walls"
  done
done
/usr/bin/python3 - "$work" "$here/results/searchers-cat-dog.json" <<'PY'
import json, os, statistics, sys
work, out = sys.argv[1], sys.argv[2]
walls = {(s, seed): float(w) for s, seed, w in (line.split() for line in open(os.path.join(work, "walls")))}
rows = []
for searcher in ["grid", "tpe", "random", "hyperband", "bohb"]:
    runs = []
    for seed in ["0", "1", "2"]:
        d = json.load(open(os.path.join(work, f"{searcher}-{seed}.json")))
        runs.append({"seed": int(seed), "cells": len(d["trials"]), "bestValAccuracy": d["best"]["valAccuracy"],
                     "winner": d["best"]["trialId"], "testAccuracy": d["testAccuracy"],
                     "epochsTrained": d["timings"]["epochsTrained"], "wallSeconds": round(walls[(searcher, seed)], 1)})
    rows.append({"searcher": searcher, "runs": runs,
                 "meanBestValAccuracy": statistics.mean(r["bestValAccuracy"] for r in runs),
                 "meanTestAccuracy": statistics.mean(r["testAccuracy"] for r in runs),
                 "meanEpochsTrained": statistics.mean(r["epochsTrained"] for r in runs)})
json.dump({"seeds": [0, 1, 2], "results": rows}, open(out, "w"), indent=2)
print("| searcher | cells | best val acc (seeds 0, 1, 2) | mean | winner's test acc (mean) | epochs trained (mean) |")
print("| --- | --- | --- | --- | --- | --- |")
for row in rows:
    r = row["runs"]
    best = ", ".join(format(x["bestValAccuracy"], ".4f") for x in r)
    print(f"| {row['searcher']} | {r[0]['cells']} | {best} | "
          f"{row['meanBestValAccuracy']:.4f} | {row['meanTestAccuracy']:.4f} | {row['meanEpochsTrained']:.0f} |")
PY
