#!/bin/sh
# Starts one sandboxed kernel. Run by the gateway as root, already inside the kernel's cgroups;
# everything it starts stays in its process group, so the gateway's signals reach all of it.
#   kernel-launcher.sh <uid> <none|egress|host> <private dir> <network gid> <project gid|-> -- <bwrap arguments...>
# The kernel runs as <uid> with no capabilities and no_new_privs (setpriv), inside bwrap's
# namespaces (the caller passes --unshare-all, plus --share-net for egress and host: `host`
# keeps the host's network namespace, for Spark drivers whose executors connect back).
# With `egress` the network namespace is made first, by `unshare` as <uid>, so that
# slirp4netns (as the same uid) can join it and give it a route out. slirp4netns cannot reach
# the host's own addresses (--disable-host-loopback here; for the others the gateway's firewall
# rule on <network gid>, slirp4netns's group, which the kernel's own processes never have) and exits when the last kernel process does (--exit-fd: the sandbox holds the only
# writers of that fifo).
set -eu
uid=$1 net=$2 dir=$3 netgid=$4 projectgid=$5
shift 6
# The project's group (or none: "-") is the kernel's only supplementary group: its project's
# files are that group's (2770), and umask 002 keeps what the kernel writes there writable by
# the project's other members' kernels (its home is 0700, so nothing else is shared by it).
groups=--clear-groups
[ "$projectgid" = - ] || groups=--groups="$projectgid"
umask 002
as_kernel() { exec setpriv --reuid="$uid" --regid="$uid" "$groups" --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@"; }
if [ "$net" != egress ]; then
  as_kernel bwrap "$@"
fi

rm -f "$dir/ready" "$dir/exit" "$dir/netns"
mkfifo -m 600 "$dir/ready" "$dir/exit" "$dir/netns"
chown "$uid:$uid" "$dir/exit"
# SIGINT (interrupt) is for the kernel; the launcher only starts it and passes its status on.
trap : INT
# A read-write open of a fifo never blocks; its reading end is slirp4netns's alone. The
# sandbox's first process says on fd 8 that its namespaces exist, then lets fd 8 go: a line
# means slirp4netns can join them; EOF means the sandbox ended first (its status is ours).
# fd 8 is opened here as root, before setpriv, and only the sandbox holds its writing end.
as_kernel unshare --user --map-current-user --net -- /bin/sh -c 'echo >&8; exec 8>&-; exec "$@"' sh bwrap "$@" 7<>"$dir/exit" 8>"$dir/netns" &
sandbox=$!
exec 8<"$dir/netns"
rm -f "$dir/netns"
if ! read -r _ <&8; then
  wait "$sandbox" && exit 0 || exit $?
fi
exec 8<&-
setpriv --reuid="$uid" --regid="$netgid" --clear-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- slirp4netns --configure --mtu=65520 --disable-host-loopback --enable-seccomp \
  --ready-fd=6 --exit-fd=7 --userns-path="/proc/$sandbox/ns/user" --netns-type=path "/proc/$sandbox/ns/net" tap0 \
  6>"$dir/ready" 7<"$dir/exit" >/dev/null &
# The kernel starts meanwhile: its Python takes a second to answer, slirp4netns ~20 ms to be up,
# so no cell can run before the route exists. Waiting for it before starting the kernel cost
# ~100 ms of cold start (bench/README.md). One byte on ready-fd says it is up; EOF without it
# means slirp4netns died, and then the kernel stops rather than run without its network.
exec 6<"$dir/ready"
up=
read -r up <&6 || true
exec 6<&-
rm -f "$dir/ready"
if [ -z "$up" ]; then
  echo "lattice: the kernel's network (slirp4netns) did not start" >&2
  kill -KILL "$sandbox" 2>/dev/null || true
fi
status=0
while :; do
  wait "$sandbox" && status=0 || status=$?
  kill -0 "$sandbox" 2>/dev/null || break
done
exit "$status"
