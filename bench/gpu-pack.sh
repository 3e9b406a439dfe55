#!/usr/bin/env bash
# Prepares, on a development machine, everything bench/gpu-check.sh needs on a GPU machine that has PyTorch but no
# .NET and no network: the .NET runtime (packed), GridSearch built without a libtorch of its own
# (-p:TorchBackend=external, so it loads PyTorch's), the cat_dog photos and, optionally, TorchSharp's native sources
# for rebuilding its bridge against that PyTorch. Everything goes to gpu/ (ignored by git), at most 64 MiB.
#
# Usage: bench/gpu-pack.sh [--data DIR] [--images-per-class N] [--torchsharp-native DIR]
#   --data DIR                ImageFolder to carry (default ../shared/datasets/cat_dog)
#   --images-per-class N      the first N images of each class, by name (default 600: all of cat_dog does not fit
#                             beside the runtime; the check compares GPU and CPU on the same images)
#   --torchsharp-native DIR   dotnet/TorchSharp's src/Native at the commit that sets version 0.107 (c20b6a1c), for
#                             bench/gpu-check.sh to rebuild the bridge when TorchSharp's does not bind to the GPU
#                             machine's libtorch
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
data="$repo/../shared/datasets/cat_dog"
native=""
per_class=600
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --torchsharp-native) native="$2"; shift 2 ;;
    --images-per-class) per_class="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "gpu-pack: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -d "$data" ] || { echo "gpu-pack: data set '$data' not found; pass --data with an ImageFolder root" >&2; exit 2; }
if [ -n "$native" ] && [ ! -f "$native/LibTorchSharp/CMakeLists.txt" ]; then
  echo "gpu-pack: '$native' is not TorchSharp's src/Native (no LibTorchSharp/CMakeLists.txt)" >&2; exit 2
fi

out="$repo/gpu"
grep -qx 'gpu/' "$repo/.git/info/exclude" 2>/dev/null || echo 'gpu/' >> "$repo/.git/info/exclude"
rm -rf "$out" && mkdir -p "$out"

dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
runtime="$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -1)"
echo "packing the .NET $runtime runtime from $dotnet_root" >&2
tar -C "$dotnet_root" -cJf "$out/dotnet.tar.xz" dotnet host "shared/Microsoft.NETCore.App/$runtime" \
  "shared/Microsoft.AspNetCore.App/$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)"

echo "publishing GridSearch and its benchmarks (linux-x64, external libtorch backend) into one folder" >&2
for project in src/Client/GridSearch.Client bench/GridSearch.Bench; do
  dotnet publish "$repo/$project" -c Release -r linux-x64 -p:TorchBackend=external --self-contained false \
    -p:UseArtifactsOutput=true -p:ArtifactsPath="$out/artifacts" -o "$out/app" -nologo -v quiet -clp:ErrorsOnly >&2
done
rm -rf "$out/artifacts"
tar -C "$out" -cJf "$out/app.tar.xz" app && rm -rf "$out/app"

for class in "$data"/*/; do
  name="$(basename "$class")"
  mkdir -p "$out/data/$name"
  find "$class" -maxdepth 1 -type f | sort | sed -n "1,${per_class}p" | xargs -r cp -t "$out/data/$name"
done
[ -n "$native" ] && cp -r "$native" "$out/torchsharp-native"
cp "$here/gpu-check.sh" "$repo/scripts/build-torchsharp-bridge.sh" "$out/"
du -sh "$out"
size=$(du -sb "$out" | cut -f1)
if [ "$size" -gt $((64 * 1024 * 1024)) ]; then
  echo "gpu-pack: gpu/ holds $size bytes, more than the 64 MiB a device run carries" >&2; exit 1
fi
echo "ready: carry 'gpu' and run: bash gpu/gpu-check.sh" >&2
