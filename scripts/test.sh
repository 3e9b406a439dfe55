#!/usr/bin/env bash
# Runs every GridSearch test. Installs what the tests need when it is missing (Debian packages, as root), builds
# the solution in Release and runs all test projects. Tests start their own servers on free loopback ports and
# stop them afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Debian packages the tests use: a real Redis for the cluster tests, a real Prometheus for the metrics tests, and
# PyTorch (for the system python3) for the test that loads a winner's weights into its PyTorch twin, and torchvision
# with PIL for the test that compares GridSearch's preprocessing of real photos with the baseline's.
needed=()
command -v redis-server >/dev/null 2>&1 || needed+=(redis-server)
command -v prometheus >/dev/null 2>&1 || needed+=(prometheus)
# openssl: the documented TLS setup is tested by running its commands as written.
command -v openssl >/dev/null 2>&1 || needed+=(openssl)
/usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1 || needed+=(python3-torch)
/usr/bin/python3 -c 'import torchvision, PIL' >/dev/null 2>&1 || needed+=(python3-torchvision python3-pil)
if ((${#needed[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null 2>&1; then
    echo "test: missing ${needed[*]}; install them (apt-get install ${needed[*]}) or run as root." >&2
    exit 1
  fi
  as_root=(); [[ $(id -u) -ne 0 ]] && as_root=(sudo)
  echo "test: installing ${needed[*]}" >&2
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
  # The packages start system services; the tests run their own instances on free ports instead.
  for service in redis-server prometheus; do
    "${as_root[@]}" service "$service" stop >/dev/null 2>&1 || true
  done
fi

dotnet build GridSearch.sln -c Release -nologo -v quiet -clp:ErrorsOnly
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# One test project at a time: the cluster and crash tests run real processes with fast failure detection, and two
# projects' processes competing for this machine's cores could make a busy silo look dead.
dotnet test --solution GridSearch.sln -c Release --no-build --max-parallel-test-modules 1 "$@" 2>&1 | tee "$log" || status=$?

# One closing line in the plain 'N passed, N failed' form, summed over every test project.
passed=$(grep -Eo '^ *succeeded: [0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -Eo '^ *failed: [0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
skipped=$(grep -Eo '^ *skipped: [0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
