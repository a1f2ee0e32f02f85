#!/usr/bin/env bash
# Runs COMMAND in a clean clone of this repository on a fresh, minimal
# Debian 12 root (debootstrap --variant=minbase: only the essential and
# required packages, no compiler, CMake or git), in a chroot, and reports its
# exit status and wall time. A developer tool for the README's two commands:
#
#   bash scripts/fresh-check.sh "bash scripts/run.sh"
#   bash scripts/fresh-check.sh "bash scripts/test.sh"
#
# Needs root and Debian's package archive. The minimal root is built once and
# kept as a tarball (FRESH_CACHE, default ~/.cache/axbnn-fresh-check); each
# check unpacks it anew under FRESH_WORK (default /var/tmp) and removes it
# afterwards unless FRESH_KEEP=1. The clone is of the committed HEAD:
# uncommitted changes are not in it. FRESH_MIRROR picks the archive
# (default http://deb.debian.org/debian). The command's output goes to the
# terminal and to a log beside the cache.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 \"COMMAND\"   (e.g. \"bash scripts/run.sh\")" >&2; exit 2; }
command=$1
[ "$(id -u)" -eq 0 ] || { echo "fresh-check: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${FRESH_CACHE:-$HOME/.cache/axbnn-fresh-check}
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
tarball=$cache/bookworm-minbase.tar.gz
mkdir -p "$cache"

# check_commands: installs debootstrap git
need=()
command -v debootstrap > /dev/null || need+=(debootstrap)
command -v git > /dev/null || need+=(git)
command -v unshare > /dev/null || need+=(util-linux)
if ((${#need[@]})); then
  echo "fresh-check: installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" > /dev/null
fi

work=$(mktemp -d "${FRESH_WORK:-/var/tmp}/axbnn-fresh.XXXXXX")
cleanup() { [ "${FRESH_KEEP:-0}" = 1 ] && echo "fresh-check: kept $work" || rm -rf --one-file-system "$work"; }
trap cleanup EXIT

if [ ! -f "$tarball" ]; then
  echo "fresh-check: building a minimal Debian 12 root (once; cached in $tarball)"
  debootstrap --variant=minbase bookworm "$work/seed" "$mirror" > "$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$work/seed/var/cache/apt/archives/"*.deb "$work/seed/var/lib/apt/lists/"*
  tar -C "$work/seed" -czf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf "$work/seed"
fi

root=$work/root
mkdir -p "$root"
tar -C "$root" -xzf "$tarball"
# What a Debian 12 installation's apt sources hold: the release, its updates
# and the security archive.
security=${mirror%/debian}/debian-security
cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
git clone --quiet --no-local "$repo" "$root/root/axbnn"
echo "fresh-check: clean clone of $(git -C "$repo" rev-parse --short HEAD) in a minimal Debian 12 root"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "fresh-check: note: the working tree has uncommitted changes; they are not in the clone"
fi
echo "fresh-check: running: $command"

log=$cache/last-run.log
start=$(date +%s)
set +e
# A private mount namespace: the mounts go away with the command, however it ends.
unshare --mount --propagation private bash -c '
  root=$1 command=$2
  mount -t proc proc "$root/proc"
  mount -t sysfs sys "$root/sys"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/tmp"
  exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /root/axbnn && $command" < /dev/null
' fresh-check "$root" "$command" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
seconds=$(($(date +%s) - start))
printf 'fresh-check: "%s" exited %d after %dm%02ds (log: %s)\n' "$command" "$status" $((seconds / 60)) \
  $((seconds % 60)) "$log"
exit "$status"
