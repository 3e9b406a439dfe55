#!/usr/bin/env bash
# Builds TorchSharp's native bridge (libLibTorchSharp.so) against an installed libtorch, for when the bridge in the
# TorchSharp 0.107 package (built against libtorch 2.10.0) does not bind to the libtorch a machine has (for example
# PyTorch 2.11 with CUDA 13). Needs CMake, a C++17 compiler and the libtorch's headers and CMake files (a pip torch has
# them: torch/include, torch/share/cmake/Torch).
#
# Usage: scripts/build-torchsharp-bridge.sh --source DIR --torch DIR --out DIR
#   --source DIR   dotnet/TorchSharp's src/Native at the commit that sets version 0.107 (c20b6a1c)
#   --torch DIR    the torch package folder (python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')
#   --out DIR      where libLibTorchSharp.so goes
set -euo pipefail
source_dir="" torch_dir="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --source) source_dir="$2"; shift 2 ;;
    --torch) torch_dir="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build-torchsharp-bridge: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$source_dir/LibTorchSharp/CMakeLists.txt" ] || { echo "build-torchsharp-bridge: --source '$source_dir' is not TorchSharp's src/Native" >&2; exit 2; }
[ -f "$torch_dir/share/cmake/Torch/TorchConfig.cmake" ] || { echo "build-torchsharp-bridge: --torch '$torch_dir' has no share/cmake/Torch/TorchConfig.cmake" >&2; exit 2; }
[ -n "$out" ] || { echo "build-torchsharp-bridge: --out is required" >&2; exit 2; }
command -v cmake >/dev/null || { echo "build-torchsharp-bridge: cmake is not installed" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$source_dir" "$work/Native"
# Newer libtorch headers bring new warnings; the sources' -Werror would turn them into a failed build.
sed -i 's/add_definitions(-Werror)/# -Werror dropped: built against another libtorch than upstream tests/' "$work/Native/CMakeLists.txt"
# TorchSharp's own build prefers clang; any C++17 compiler does.
if command -v clang++ >/dev/null; then export CC=clang CXX=clang++; fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$work/Native" -B "$work/bin/obj/build/Native" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DLIBTORCH_PATH="$torch_dir/share/cmake/Torch" -DCMAKE_PREFIX_PATH="$torch_dir/share/cmake" >&2
cmake --build "$work/bin/obj/build/Native" --parallel "$(nproc)" >&2
mkdir -p "$out"
find "$work/bin" -name 'libLibTorchSharp.so' -exec cp {} "$out/" \;
[ -f "$out/libLibTorchSharp.so" ] || { echo "build-torchsharp-bridge: the build made no libLibTorchSharp.so" >&2; exit 1; }
echo "$out/libLibTorchSharp.so"
