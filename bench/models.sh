#!/usr/bin/env bash
# The seed's grid (lr 0.01,0.001 x batch 16,32 x epochs 5,10) on cat_dog with each model, warm decode cache:
# best validation accuracy, the winner's test accuracy, wall time and peak memory. Writes bench/results/models.json.
# The cnn runs at 64x64 and at the seed's 128x128, to show what the image size trades.
# Usage: bench/models.sh [DATA_DIR]   (default: ../shared/datasets/cat_dog)
#        ROWS="logistic cnn-64" bench/models.sh   runs only those rows
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"

# Each row: a name, then its options.
declare -A options=(
  [logistic]="--model logistic"
  [mlp]="--model mlp"
  [logistic-64]="--model logistic --image-size 64"
  [cnn-64]="--model cnn --image-size 64"
  [cnn-128]="--model cnn"
)
rows="${ROWS:-logistic mlp logistic-64 cnn-64 cnn-128}"

warm_cache 128 64
for row in $rows; do
  echo "running $row (${options[$row]})" >&2
  # shellcheck disable=SC2086
  /usr/bin/time -f "%e %M" -o "$work/$row.time" dotnet "$cli" run --data "$data" ${options[$row]} --sweep-id "$row" \
    --state "$work/$row" --cache-dir "$cache" --out "$work/out-$row" --json > "$work/$row.json" 2>/dev/null
done
python3 - "$work" "$here/results/models.json" $rows <<'PY'
import json, sys, os, platform
work, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = {}
for name in names:
    d = json.load(open(os.path.join(work, name + ".json")))
    wall, peak_kb = open(os.path.join(work, name + ".time")).read().split()[-2:]
    rows[name] = {"winner": d["best"]["trialId"], "epoch": d["best"]["epoch"], "valAccuracy": d["best"]["valAccuracy"],
                  "testAccuracy": d["testAccuracy"], "imageSize": d["imageSize"], "wallSeconds": round(float(wall), 1),
                  "peakMemoryMB": round(int(peak_kb) / 1024), "epochsTrained": d["timings"]["epochsTrained"]}
    r = rows[name]
    print(f"{name:12} best {r['winner']} epoch {r['epoch']}: val {r['valAccuracy']:.4f}, test {r['testAccuracy']:.4f}, "
          f"{r['wallSeconds']} s wall, {r['peakMemoryMB']} MB peak, {r['epochsTrained']} epochs")
json.dump({"machine": f"{platform.node()} {os.cpu_count()} cores", "grid": "lr 0.01,0.001 x batch 16,32 x epochs 5,10",
           "results": rows}, open(out, "w"), indent=2)
PY
