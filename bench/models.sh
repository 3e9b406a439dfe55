#!/usr/bin/env bash
# The seed's grid (lr 0.01,0.001 x batch 16,32 x epochs 5,10) on cat_dog with each model, warm decode cache:
# best validation accuracy, the winner's test accuracy and wall time. Writes bench/results/models.json.
# Usage: bench/models.sh [DATA_DIR]   (default: ../shared/datasets/cat_dog)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
data="${1:-$repo/../shared/datasets/cat_dog}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build "$repo/src/Client/GridSearch.Client" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
cli="$repo/src/Client/GridSearch.Client/bin/Release/net10.0/gridsearch.dll"
cache="${GRIDSEARCH_CACHE_DIR:-$work/cache}"
dotnet "$cli" run --data "$data" --state "$work/warm" --cache-dir "$cache" --lr 0.01 --batch-size 16 --epochs 1 --json >/dev/null 2>&1
for model in logistic mlp; do
  start=$(date +%s.%N)
  dotnet "$cli" run --data "$data" --model "$model" --sweep-id "$model" --state "$work/$model" --cache-dir "$cache" \
    --out "$work/out-$model" --json > "$work/$model.json" 2>/dev/null
  end=$(date +%s.%N)
  echo "$model $(echo "$end - $start" | bc)" >> "$work/walls"
done
python3 - "$work" "$here/results/models.json" <<'PY'
import json, sys, os, platform
work, out = sys.argv[1], sys.argv[2]
walls = dict(line.split() for line in open(os.path.join(work, "walls")))
rows = {}
for name in walls:
    d = json.load(open(os.path.join(work, name + ".json")))
    rows[name] = {"winner": d["best"]["trialId"], "epoch": d["best"]["epoch"], "valAccuracy": d["best"]["valAccuracy"],
                  "testAccuracy": d["testAccuracy"], "wallSeconds": round(float(walls[name]), 1),
                  "epochsTrained": d["timings"]["epochsTrained"]}
    r = rows[name]
    print(f"{name:9} best {r['winner']} epoch {r['epoch']}: val {r['valAccuracy']:.4f}, test {r['testAccuracy']:.4f}, "
          f"{r['wallSeconds']} s wall, {r['epochsTrained']} epochs")
json.dump({"machine": f"{platform.node()} {os.cpu_count()} cores", "grid": "lr 0.01,0.001 x batch 16,32 x epochs 5,10",
           "results": rows}, open(out, "w"), indent=2)
PY
