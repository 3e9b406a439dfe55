#!/usr/bin/env bash
# Mutation testing of the pure core with Stryker.NET (the .NET tool pinned in .config/dotnet-tools.json): the sweep book,
# schedulers, fused groups, retry backoff and status rules (GridSearch.Coordinator), file storage (GridSearch.Grains), and the searchers,
# parameter rules and statuses (GridSearch.Abstractions), each against GridSearch.Grains.Tests. Too slow for CI (tens
# of minutes on 2 cores). Prints each file's and each target's mutation score (bench/mutation-summary.py); the JSON
# report is kept as bench/results/mutation/<target>.json, the HTML one under bench/results/mutation/<target>/.
# Usage: bench/mutation.sh [coordinator|storage|abstractions]   (default: all three)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet tool restore >/dev/null
targets="${1:-coordinator storage abstractions}"
results="$root/bench/results/mutation"
mkdir -p "$results"

run() { # name, project, mutate globs...
  local name="$1" project="$2"
  shift 2
  local mutate=()
  for glob in "$@"; do mutate+=(--mutate "$glob"); done
  (cd tests/GridSearch.Grains.Tests && dotnet stryker --project "$project" "${mutate[@]}" \
    --test-runner mtp --reporter html --reporter json --reporter progress --reporter cleartext --concurrency 2 \
    --output "$results/$name" --break-at 0)
  cp "$results/$name/reports/mutation-report.json" "$results/$name.json"
  python3 "$root/bench/mutation-summary.py" "$results/$name.json"
}

for target in $targets; do
  case "$target" in
    coordinator) run coordinator GridSearch.Coordinator.csproj "**/SweepBook.cs" "**/SweepBook.RunEndings.cs" "**/SweepCreation.cs" "**/SweepSnapshots.cs" "**/Scheduling/*.cs" \
      "**/FusedGroups.cs" "**/RetryBackoff.cs" "**/StatusRules.cs" ;;
    storage) run storage GridSearch.Grains.csproj "**/Storage/FileGrainStorage.cs" ;;
    abstractions) run abstractions GridSearch.Abstractions.csproj "**/Search/*.cs" "**/Parameters/*.cs" "**/SweepSpecRules.cs" \
      "**/Statuses.cs" ;;
    *) echo "mutation: unknown target '$target' (coordinator, storage or abstractions)" >&2; exit 2 ;;
  esac
done
