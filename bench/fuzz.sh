#!/usr/bin/env bash
# Runs every fuzz target longer than CI does (default 300 s each; bench/fuzz.sh SECONDS) and prints how many inputs
# each one ran. A failure prints the smallest failing input CsCheck found and its seed; replay it with
# GRIDSEARCH_FUZZ_SEED=<seed>, then add the input to tests/GridSearch.Fuzz.Tests/Corpus as a regression case.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${1:-300}"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
dotnet build tests/GridSearch.Fuzz.Tests -c Release -nologo -v quiet -clp:ErrorsOnly
status=0
GRIDSEARCH_FUZZ_SECONDS="$seconds" GRIDSEARCH_FUZZ_REPORT="$report" \
  dotnet test --project tests/GridSearch.Fuzz.Tests -c Release --no-build || status=$?
printf '%-32s %14s %8s\n' target executions seconds
sort "$report" | while IFS=$'\t' read -r target executions secs; do
  printf '%-32s %14s %8s\n' "$target" "$executions" "$secs"
done
exit "$status"
