#!/bin/sh
# Starts a kernel's Python on top of the user's own package layer for its environment (issue 15 §4).
#   python-layer.sh <environment root> <layer dir> -- <python arguments…>
# Runs inside the kernel's sandbox, as the kernel's uid: the layer is a virtualenv in the user's
# home (made here on first use) whose site-packages adds the shared, read-only environment after
# its own. So `%pip install x` (pip installs into sys.prefix: the layer) lands in the user's home,
# is importable at once, stays across restarts, and shadows the environment's version of x
# without changing it for anyone else. An environment that is not a virtualenv runs as it is.
set -eu
root=$1 layer=$2
shift 3
if [ ! -f "$root/pyvenv.cfg" ]; then
  exec "$root/bin/python" "$@"
fi
if [ ! -x "$layer/bin/python" ]; then
  base=$(readlink -f "$root/bin/python")
  site=$(cd "$root/lib" && echo python3*)/site-packages
  # Made beside (a unique name: every sandbox has its own PID namespace, so $$ is no such name),
  # then renamed: kernels starting at once never see half a layer, and one of them wins.
  mkdir -p "$(dirname "$layer")"
  new=$(mktemp -d "$layer.new.XXXXXX")
  mkdir -p "$new/bin" "$new/lib/$site"
  printf 'home = %s\ninclude-system-site-packages = false\n' "$(dirname "$base")" >"$new/pyvenv.cfg"
  # addsitedir (not a plain path line) also runs the environment's own .pth files.
  printf "import site; site.addsitedir('%s')\n" "$root/lib/$site" >"$new/lib/$site/_lattice_environment.pth"
  ln -s "$base" "$new/bin/python"
  ln -s python "$new/bin/python3"
  mv -T "$new" "$layer" 2>/dev/null || rm -rf "$new"
fi
PATH="$layer/bin:$root/bin:$PATH"
export PATH
exec "$layer/bin/python" "$@"
