#!/usr/bin/env bash
# Sample efficiency of GridSearch's searchers against Optuna's TPESampler (default settings; and with its truncated
# normal density corrected as upstream did in 3.5, see searchers/optuna_tpe.py) on synthetic objectives
# with known optima (bench/searchers/objectives.py): for each objective and seed, the best value found with the same
# budget of cells, GridSearch's runs going through the tool (the objective is a program it runs per cell, one slot).
# Prints the median regret (best found - optimum) per searcher and writes bench/results/searchers.json.
#   bench/searchers.sh [SEEDS (20)] [CELLS (50)] [OBJECTIVES ("branin hartmann6 training")]
set -euo pipefail
seeds="${1:-20}"
cells="${2:-50}"
objectives="${3:-branin hartmann6 training}"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "${GRIDSEARCH_BENCH_DATA:-}"
if ! /usr/bin/python3 -c 'import optuna' >/dev/null 2>&1; then
  as_root=(); [[ $(id -u) -ne 0 ]] && as_root=(sudo)
  echo "searchers: installing python3-optuna" >&2
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends python3-optuna >/dev/null
fi

lines="$work/runs.jsonl"
for objective in $objectives; do
  for seed in $(seq 1 "$seeds"); do
    for search in tpe random; do
      /usr/bin/python3 "$here/searchers/sweep.py" "$objective" "$search" "$seed" "$cells" > "$work/sweep.json"
      dotnet "$cli" run --config "$work/sweep.json" --state "$work/state" --json --out "$work/out" > "$work/result.json"
      /usr/bin/python3 - "$work/result.json" "$objective" "$seed" "gridsearch $search" >> "$lines" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
print(json.dumps({"objective": sys.argv[2], "seed": int(sys.argv[3]), "searcher": sys.argv[4],
                  "best": result["best"]["value"], "cells": len(result["trials"])}))
PY
      rm -rf "$work/state" "$work/out"
    done
    /usr/bin/python3 "$here/searchers/optuna_tpe.py" "$objective" "$seed" "$cells" \
      | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); r["searcher"]="optuna tpe"; print(json.dumps(r))' >> "$lines"
    /usr/bin/python3 "$here/searchers/optuna_tpe.py" "$objective" "$seed" "$cells" fixed \
      | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); r["searcher"]="optuna tpe, logpdf fixed"; print(json.dumps(r))' >> "$lines"
    echo "searchers: $objective seed $seed done" >&2
  done
done

mkdir -p "$repo/bench/results"
results="$repo/bench/results/searchers.json"
[[ "$objectives" != "branin hartmann6 training" ]] && results="$repo/bench/results/searchers-${objectives// /-}-$seeds.json"
/usr/bin/python3 - "$lines" "$results" "$cells" "$seeds" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
optima = {"branin": 0.397887, "hartmann6": -3.32237, "training": 0.0}
table = []
for objective, optimum in optima.items():
    for searcher in ["gridsearch tpe", "optuna tpe", "optuna tpe, logpdf fixed", "gridsearch random"]:
        regrets = sorted(r["best"] - optimum for r in runs if r["objective"] == objective and r["searcher"] == searcher)
        if regrets:
            q = statistics.quantiles(regrets, n=4)
            table.append({"objective": objective, "searcher": searcher, "seeds": len(regrets),
                          "medianRegret": statistics.median(regrets), "q1": q[0], "q3": q[2]})
import optuna
json.dump({"cells": int(sys.argv[3]), "seeds": int(sys.argv[4]), "optuna": optuna.__version__, "table": table, "runs": runs},
          open(sys.argv[2], "w"), indent=1)
print(f"| objective | searcher | median regret | quartiles | ({sys.argv[3]} cells, {sys.argv[4]} seeds)")
print("| --- | --- | --- | --- |")
for row in table:
    print(f"| {row['objective']} | {row['searcher']} | {row['medianRegret']:.4g} | {row['q1']:.4g} – {row['q3']:.4g} |")
PY
