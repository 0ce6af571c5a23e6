#!/usr/bin/env bash
# Prepares a (fresh Debian) machine for the whole test suite: the apt packages, npm packages,
# the kernel + Jupyter client venv (.data/venv), the peer servers and the cluster binaries.
# Each step is skipped when already done, so a prepared machine passes through in seconds.
# `npm test` (tests/run-all.ts) runs it with --skip-npm-ci (npm is already running);
# `.ci/run` runs it, then `npm test` with LATTICE_MACHINE_PREPARED=1 so it is not run twice.
# A step that cannot run says what to do instead and stops the script (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# Debian keeps iptables & co. in sbin, which a non-root PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"

skip_npm_ci=false
for arg in "$@"; do
  case "$arg" in
    --skip-npm-ci) skip_npm_ci=true ;;
    *) echo "usage: $0 [--skip-npm-ci]" >&2; exit 2 ;;
  esac
done

step() { printf '\n=== prepare: %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
cannot() { printf '\nprepare-machine: %s\n' "$1" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }
have() { command -v "$1" >/dev/null; }
# Stamps hold the sha256 of the files a step was last done from.
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

step "apt packages"
need=()
have chromium || need+=(chromium)
have ip || need+=(iproute2)
# The local kernel sandbox: bubblewrap (namespaces, seccomp), slirp4netns (a kernel's `egress`
# network: outside addresses only), iptables (its rules keep kernels off this host's services),
# util-linux's setpriv and unshare (essential on Debian; checked all the same).
# No uidmap: the gateway runs as root and drops to each kernel's uid itself.
have bwrap || need+=(bubblewrap)
have slirp4netns || need+=(slirp4netns)
have iptables || need+=(iptables)
have setpriv || need+=(util-linux)
# Kernels run as other uids, so their Python must be readable by them: Debian's, not a
# python3 earlier on PATH (a pyenv build under /root is 0700).
/usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
# Spark environments: pyspark 3.5 runs its driver and the test standalone cluster on Java 17.
have java || need+=(openjdk-17-jre-headless)
# The Kubernetes test cluster's harness (tests/cluster/ci-setup.sh checks the same).
have mount || need+=(mount)
[ -x /usr/bin/time ] || need+=(time)
have pgrep || need+=(procps)
if ((${#need[@]})); then
  is_root || cannot "missing system packages: ${need[*]}. Run this as root (sudo npm test), or install them yourself: sudo apt-get install ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "all present"
fi

step "npm packages"
lock_stamp=node_modules/.lattice-package-lock
if $skip_npm_ci; then
  [ -x node_modules/.bin/tsx ] || cannot "node_modules is missing: run npm ci (or npm install) first"
  echo "left to npm (already running)"
elif [ -x node_modules/.bin/tsx ] && [ "$(cat "$lock_stamp" 2>/dev/null)" = "$(hash_of package-lock.json)" ]; then
  echo "up to date with package-lock.json"
else
  npm ci --no-audit --no-fund
  hash_of package-lock.json >"$lock_stamp"
fi

step "Python kernel and Jupyter client packages (.data/venv)"
# Made from Debian's /usr/bin/python3 (see above); a venv made from another Python is remade.
venv_home=$(sed -n 's/^home *= *//p' .data/venv/pyvenv.cfg 2>/dev/null || true)
if [ -e .data/venv ] && [ "$venv_home" != /usr/bin ]; then
  echo ".data/venv was made from ${venv_home:-an unknown Python}, which kernel uids may not read: recreating it from /usr/bin/python3"
  rm -rf .data/venv
fi
test_stamp=.data/venv/.lattice-test-requirements
# The stamp `npm start` checks (scripts/ensure-python.ts): the kernel list's own hash.
kernel_stamp=.data/venv/.lattice-kernel-requirements
want=$(hash_of tests/requirements.txt python/kernel-requirements.txt python/build-tools.txt)
if [ -x .data/venv/bin/python ] && [ "$(cat "$test_stamp" 2>/dev/null)" = "$want" ]; then
  echo "up to date with tests/requirements.txt and python/kernel-requirements.txt"
else
  [ -x .data/venv/bin/python ] || /usr/bin/python3 -m venv .data/venv
  # pip's wheel cache (~/.cache/pip, beside the cluster cache in ~/.cache) makes a rebuild quick.
  .data/venv/bin/python -m pip install --disable-pip-version-check -r tests/requirements.txt
  echo "$want" >"$test_stamp"
  hash_of python/kernel-requirements.txt python/build-tools.txt >"$kernel_stamp"
fi

step "Peer servers for conformance tests and benchmarks (.data/peers)"
bash scripts/ensure-peers.sh

step "Kubernetes test cluster binaries"
is_root || cannot "the Kubernetes test cluster runs as root (network namespaces, cgroups): run this as root (sudo npm test)"
have go || [ -x /usr/local/go/bin/go ] || cannot "the Kubernetes test cluster is built from Go modules: install Go >= 1.24 (https://go.dev/dl, into /usr/local/go) and run again"
bash tests/cluster/ci-setup.sh

step "machine ready"
