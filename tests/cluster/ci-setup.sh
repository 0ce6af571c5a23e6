#!/usr/bin/env bash
# Prepares a (fresh Debian) machine for the Kubernetes test cluster:
#   - OS tools the harness uses (ip/bridge/netns, setpriv + mount, /usr/bin/time, procps),
#   - the cluster binaries, built from Go modules only when the version stamp
#     under ${LATTICE_CLUSTER_CACHE:-$HOME/.cache/lattice-cluster} is stale.
# Needs root, Go (>= 1.24) at /usr/local/go/bin or on PATH, and node_modules (tsx).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive

need=()
command -v ip >/dev/null || need+=(iproute2)
command -v setpriv >/dev/null || need+=(util-linux)
command -v mount >/dev/null || need+=(mount)
[ -x /usr/bin/time ] || need+=(time)
command -v pgrep >/dev/null || need+=(procps)
if ((${#need[@]})); then
  echo "[cluster ci-setup] apt-get install ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || { echo "[cluster ci-setup] Go toolchain not found" >&2; exit 1; }
[ -x node_modules/.bin/tsx ] || { echo "[cluster ci-setup] node_modules/.bin/tsx missing: run npm ci first" >&2; exit 1; }

node_modules/.bin/tsx tests/cluster/cli.ts build

# Leftovers (bridge, namespaces, cgroups) of an interrupted earlier run on this
# machine; idempotent, and leaves a cluster that another live run holds alone.
node_modules/.bin/tsx tests/cluster/cli.ts down || true
