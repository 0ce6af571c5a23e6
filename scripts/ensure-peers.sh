#!/usr/bin/env bash
# Builds one virtualenv per peer server listed in tests/peers/*.txt under .data/peers/<name>;
# a venv whose requirements file has not changed since its last build is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
for req in tests/peers/*.txt; do
  name=$(basename "$req" .txt)
  venv=.data/peers/$name
  stamp=$venv/.requirements
  if [ -x "$venv/bin/python" ] && cmp -s "$req" "$stamp"; then continue; fi
  echo "building $venv from $req"
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$stamp"
done
