#!/usr/bin/env bash
# What pinning the CPU numerics costs: each sweep with --numerics portable (the default) and --numerics fast, one after
# the other in every repeat, on cat_dog with a warm decode cache. Sweeps: the seed grid; the wide grid (16 learning
# rates x batch 16, 32 x epochs 5, 10) fused and with --no-fuse; the seed grid with the cnn at 64x64, 2 epochs.
# Writes bench/results/numerics.json (median wall seconds of each, and portable / fast).
# Usage: bench/numerics.sh [DATA_DIR] ; REPEATS=N (default 3)
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
repeats="${REPEATS:-3}"
declare -A sweeps=(
  [seed-grid]=""
  [wide-fused]="--config $repo/bench/sweeps/wide-grid.yaml"
  [wide-unfused]="--config $repo/bench/sweeps/wide-grid.yaml --no-fuse"
  [cnn-64]="--model cnn --image-size 64 --epochs 2"
)
names="seed-grid wide-fused wide-unfused cnn-64"

warm_cache 128 64
for ((r = 1; r <= repeats; r++)); do
  for name in $names; do
    for mode in portable fast; do
      echo "repeat $r: $name ($mode)" >&2
      # shellcheck disable=SC2086
      /usr/bin/time -f "%e" -o "$work/$name-$mode-$r.time" dotnet "$cli" run --data "$data" ${sweeps[$name]} --numerics "$mode" \
        --sweep-id "$name-$mode-$r" --state "$work/s-$name-$mode-$r" --cache-dir "$cache" --out "$work/o-$name-$mode-$r" --json \
        > "$work/$name-$mode-$r.json" 2>/dev/null
    done
  done
done
python3 - "$work" "$here/results/numerics.json" "$repeats" $names <<'PY'
import json, sys, os, platform, statistics
work, out, repeats, names = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
rows = {}
for name in names:
    t = {m: [float(open(f"{work}/{name}-{m}-{r}.time").read().split()[-1]) for r in range(1, repeats + 1)] for m in ("portable", "fast")}
    p, f = statistics.median(t["portable"]), statistics.median(t["fast"])
    rows[name] = {"portableSeconds": p, "fastSeconds": f, "ratio": round(p / f, 3), "all": t}
    print(f"{name:14} portable {p:6.2f} s   fast {f:6.2f} s   portable/fast {p / f:.2f}")
json.dump({"machine": f"{cpu}, {os.cpu_count()} cores", "repeats": repeats, "results": rows}, open(out, "w"), indent=2)
PY
