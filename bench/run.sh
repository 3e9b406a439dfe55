#!/usr/bin/env bash
# Runs GridSearch's benchmarks (not part of the test suite). Each prints a table and writes JSON to bench/results/.
#   bench/run.sh                 decode and training throughput on ../shared/datasets/cat_dog
#   bench/run.sh throughput --data DIR --repeats N
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet build "$root/bench/GridSearch.Bench/GridSearch.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet "$root/bench/GridSearch.Bench/bin/Release/net10.0/GridSearch.Bench.dll" "$@"
