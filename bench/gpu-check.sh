#!/usr/bin/env bash
# GridSearch on a real GPU. Run on a machine with an NVIDIA GPU and PyTorch, from the folder bench/gpu-pack.sh made
# (it carries the .NET runtime, GridSearch built with -p:TorchBackend=external, the cat_dog photos and, optionally,
# TorchSharp's native sources): it points GridSearch at PyTorch's libtorch (rebuilding TorchSharp's bridge against it
# when the packaged one does not bind), runs the seed grid and the wide grid (16 learning rates x batch 16,32 x epochs
# 5,10) on the GPU and on the CPU, checks that each grid has the same winner on both and every cell's validation
# accuracy within one validation image for every cell whose loss does not saturate, and reports throughput
# (cell-epochs per second: the sweeps fused, the wide grid also with --no-fuse, and the trainer-level fused bench),
# device memory (the most nvidia-smi saw, beside the packing estimate of a fused group), whether the CNN's grouped
# convolutions beat its cells one at a time on the device, device, driver and libtorch version. Figures go to $OUT (or ./results) as gpu-check.json.
#
# Usage: bash gpu/gpu-check.sh            DEVICE=cpu TORCH_LIB=DIR bash gpu/gpu-check.sh   (a dry run without a GPU)
#   DEVICE     the device to check (default cuda)
#   TORCH_LIB  libtorch's folder (default: the torch/lib of the python3 on PATH)
#   PYTHON     the interpreter whose torch to use (default python3)
set -euo pipefail
pack="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$pack/results}"
device="${DEVICE:-cuda}"
python="${PYTHON:-python3}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "gpu-check: $*" >&2; exit 1; }
for part in dotnet.tar.xz app.tar.xz data; do
  [ -e "$pack/$part" ] || fail "$pack/$part is missing; make the folder with bench/gpu-pack.sh on a development machine"
done

# .NET, unpacked from the pack (the GPU machines have none).
mkdir -p "$work/dotnet" && tar -C "$work/dotnet" -xJf "$pack/dotnet.tar.xz"
export DOTNET_ROOT="$work/dotnet" DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet="$work/dotnet/dotnet"

# PyTorch's libtorch, for GridSearch's external backend.
torch_dir=""
if [ -z "${TORCH_LIB:-}" ]; then
  torch_dir="$("$python" -c 'import torch, os; print(os.path.dirname(torch.__file__))')" \
    || fail "no torch in $python; set PYTHON to an interpreter with PyTorch, or TORCH_LIB to a libtorch folder"
  TORCH_LIB="$torch_dir/lib"
fi
export GRIDSEARCH_LIBTORCH="$TORCH_LIB"
torch_version="$("$python" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo unknown)"
tar -C "$work" -xJf "$pack/app.tar.xz"
cli=("$dotnet" "$work/app/gridsearch.dll")

probe() {
  "${cli[@]}" train --device "$device" --lr 0.01 --batch-size 8 --epochs 1 --state "$work/probe" --no-cache --json \
    > "$work/probe.json" 2> "$work/probe.err"
}
bridge="packaged (built against libtorch 2.10.0)"
if ! probe; then
  if grep -qiE "undefined symbol|unresolved|LibTorchSharp" "$work/probe.err" && [ -d "$pack/torchsharp-native" ] && [ -n "$torch_dir" ]; then
    echo "TorchSharp's bridge does not bind to libtorch $torch_version; rebuilding it against that libtorch" >&2
    bash "$pack/build-torchsharp-bridge.sh" --source "$pack/torchsharp-native" --torch "$torch_dir" --out "$work/bridge"
    find "$work/app" -name libLibTorchSharp.so -exec cp "$work/bridge/libLibTorchSharp.so" {} \;
    bridge="rebuilt against libtorch $torch_version"
    probe || fail "training on $device still fails with the rebuilt bridge: $(tail -5 "$work/probe.err")"
  else
    fail "training on $device fails: $(tail -5 "$work/probe.err")"
  fi
fi
echo "GridSearch trains on $device through $TORCH_LIB (libtorch $torch_version, bridge $bridge)" >&2

# Device memory: the most any sample saw while the grids ran (nvidia-smi, when there is one).
gpu_name="none" driver="none" memory_total=0
if command -v nvidia-smi >/dev/null; then
  IFS=',' read -r gpu_name driver memory_total < <(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader,nounits | head -1)
  ( while true; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1; sleep 0.5; done ) > "$work/memory" &
  sampler=$!
  trap 'kill $sampler 2>/dev/null; rm -rf "$work"' EXIT
fi

lrs="$("$python" -c 'print(",".join(f"{10 ** (-4 + 3 * i / 15):.6g}" for i in range(16)))')"
sweep() {  # name, device, extra options...
  local name="$1" on="$2"; shift 2
  local start end
  start=$(date +%s.%N)
  "${cli[@]}" run --data "$pack/data" --device "$on" --sweep-id "$name" --state "$work/state-$name" \
    --cache-dir "$work/cache" --out "$work/out-$name" --json "$@" > "$work/$name.json"
  end=$(date +%s.%N)
  echo "$name $(echo "$end - $start" | bc)" >> "$work/walls"
}
sweep warm-cache cpu --lr 0.01 --batch-size 16 --epochs 1          # decodes once, outside the timings
sweep seed-check "$device"
sweep seed-cpu cpu
sweep wide-check "$device" --lr "$lrs" --batch-size 16,32 --epochs 5,10
sweep wide-cpu cpu --lr "$lrs" --batch-size 16,32 --epochs 5,10
sweep wide-check-unfused "$device" --lr "$lrs" --batch-size 16,32 --epochs 5,10 --no-fuse
"$dotnet" "$work/app/GridSearch.Bench.dll" fused --data "$pack/data" --device "$device" --epochs 3 --results "$out" > "$work/fused.txt"
# Would fusing the CNN (grouped convolutions) pay on this device? On CPU it does not (docs/user-guide.md, Fused groups).
"$dotnet" "$work/app/GridSearch.Bench.dll" conv-fusion --data "$pack/data" --device "$device" --results "$out" > "$work/conv-fusion.txt"
[ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true

"$python" - "$work" "$out/gpu-check.json" "$device" "$gpu_name" "$driver" "$memory_total" "$torch_version" "$bridge" <<'PY'
import json, os, sys
work, out, device, name, driver, total, torch_version, bridge = sys.argv[1:]
walls = dict(line.split() for line in open(os.path.join(work, "walls")))
def load(n): return json.load(open(os.path.join(work, n + ".json")))
report = {"device": device, "gpu": name.strip(), "driver": driver.strip(), "libtorch": torch_version, "bridge": bridge,
          "memoryTotalMiB": int(float(total or 0)), "grids": {}}
ok = True
for grid in ("seed", "wide"):
    gpu, cpu = load(f"{grid}-check"), load(f"{grid}-cpu")
    image = 1 / gpu["dataset"]["val"]
    cpu_cells = {t["id"]: t for t in cpu["trials"]}
    def apart(t): return abs(t["bestValAccuracy"] - cpu_cells[t["id"]]["bestValAccuracy"])
    worst = max(apart(t) for t in gpu["trials"])
    # Cells whose loss saturates the sigmoid (above 1 at some epoch: learning rates from about 0.016 on cat_dog)
    # amplify any rounding difference chaotically, device or fusion alike (docs/reproducibility.md): they are
    # reported, and the check holds the others to one validation image.
    stable = [t for t in gpu["trials"] if max(cpu_cells[t["id"]]["trainLoss"]) < 1]
    worst_stable = max((apart(t) for t in stable), default=0)
    same_winner = (gpu["best"]["trialId"], gpu["best"]["epoch"]) == (cpu["best"]["trialId"], cpu["best"]["epoch"])
    ok &= same_winner and worst_stable <= image + 1e-12
    row = {"cells": len(gpu["trials"]), "winner": gpu["best"]["trialId"], "epoch": gpu["best"]["epoch"],
           "winnerOnCpu": cpu["best"]["trialId"], "sameWinner": same_winner, "largestValAccuracyDifference": worst,
           "largestValAccuracyDifferenceUnsaturated": worst_stable, "unsaturatedCells": len(stable),
           "cellsBeyondOneImage": sorted(t["id"] for t in gpu["trials"] if apart(t) > image + 1e-12),
           "oneValidationImage": image}
    runs = [(f"checked ({device})", "check", gpu), ("reference (cpu)", "cpu", cpu)]
    if grid == "wide":
        runs.append((f"checked ({device}), --no-fuse", "check-unfused", load("wide-check-unfused")))
    for label, run, doc in runs:
        wall = float(walls[f"{grid}-{run}"])
        row[label] = {"wallSeconds": round(wall, 2), "epochsTrained": doc["timings"]["epochsTrained"],
                      "cellEpochsPerSecond": round(sum(len(t["valAccuracy"]) for t in doc["trials"]) / wall, 2),
                      "testAccuracy": doc["testAccuracy"]}
    report["grids"][grid] = row
memory = [int(float(v)) for v in open(os.path.join(work, "memory")).read().split()] if os.path.exists(os.path.join(work, "memory")) else []
report["memoryUsedPeakMiB"] = max(memory) if memory else None
report["fusedTrainerBench"] = open(os.path.join(work, "fused.txt")).read()
report["convFusionBench"] = open(os.path.join(work, "conv-fusion.txt")).read()
json.dump(report, open(out, "w"), indent=2)
for grid, row in report["grids"].items():
    print(f"{grid}: {row['cells']} cells, winner {row['winner']} epoch {row['epoch']} (cpu: {row['winnerOnCpu']}), "
          f"largest validation difference {row['largestValAccuracyDifference']:.4f}, {row['largestValAccuracyDifferenceUnsaturated']:.4f} "
          f"over the {row['unsaturatedCells']} unsaturated cells (one image {row['oneValidationImage']:.4f}); "
          + ", ".join(f"{k} {v['wallSeconds']} s = {v['cellEpochsPerSecond']} cell-epochs/s" for k, v in row.items() if isinstance(v, dict)))
print(f"device {name.strip()} (driver {driver.strip()}), libtorch {torch_version}, bridge {bridge}, "
      f"memory used at most {report['memoryUsedPeakMiB']} of {report['memoryTotalMiB']} MiB")
print(f"written {out}")
sys.exit(0 if ok else 1)
PY
