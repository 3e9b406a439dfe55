# Sourced by the bench scripts that time the command-line tool: builds it and sets here, repo, data (the first
# argument, default ../shared/datasets/cat_dog), work (a temporary folder removed on exit), cli and cache.
here="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
repo="$(dirname "$here")"
data="${1:-$repo/../shared/datasets/cat_dog}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet build "$repo/src/Client/GridSearch.Client" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
cli="$repo/src/Client/GridSearch.Client/bin/Release/net10.0/gridsearch.dll"
cache="${GRIDSEARCH_CACHE_DIR:-$work/cache}"

# Decodes the data set once at each image size given, so later timings start from a warm decode cache.
warm_cache() {
  for size in "$@"; do
    dotnet "$cli" run --data "$data" --state "$work/warm-$size" --cache-dir "$cache" --image-size "$size" \
      --lr 0.01 --batch-size 16 --epochs 1 --json >/dev/null 2>&1
  done
}
