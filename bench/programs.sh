#!/usr/bin/env bash
# Orchestration overhead of the user's own programs: RUNS one-epoch runs of a tiny program (a shell that prints one
# report) on 2 slots, against starting the same program RUNS times, 2 at a time, with nothing around it. The overhead
# per run is the slot time a run takes beyond its process's own start:
#   (sweep seconds - bare seconds) × 2 slots / RUNS.
# Usage: bench/programs.sh [RUNS]   (default 500; writes bench/results/programs.json)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" ""
runs="${1:-500}"
program='echo "GRIDSEARCH_REPORT {\"epoch\": 1, \"val_accuracy\": 0.5}"'
values=$(seq -s, 1 "$runs")

start=$(date +%s.%N)
seq 1 "$runs" | xargs -P 2 -I{} sh -c "$program" >/dev/null
bare=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
dotnet "$cli" run --command "sh -c '$program' {i}" --param "i=$values" --epochs 1 --slots 2 \
  --state "$work/state" --out "$work/out" --json > "$work/result.json"
wall=$(echo "$(date +%s.%N) - $start" | bc)
sweep=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['timings']['totalSeconds'])" "$work/result.json")
done_cells=$(python3 -c "import json,sys; print(sum(t['status']=='Completed' for t in json.load(open(sys.argv[1]))['trials']))" "$work/result.json")
overhead_ms=$(echo "scale=3; ($sweep - $bare) * 2 * 1000 / $runs" | bc)

printf 'runs %s (completed %s), 2 slots\n' "$runs" "$done_cells"
printf 'bare starts:        %8.2f s\n' "$bare"
printf 'sweep (its clock):  %8.2f s   (whole command %.2f s, tool start-up included)\n' "$sweep" "$wall"
printf 'overhead per run:   %8s ms of slot time beyond the process start\n' "$overhead_ms"
mkdir -p "$repo/bench/results"
cat > "$repo/bench/results/programs.json" <<JSON
{"runs": $runs, "slots": 2, "completed": $done_cells, "bareSeconds": $bare, "sweepSeconds": $sweep, "wallSeconds": $wall, "overheadMsPerRun": $overhead_ms}
JSON
