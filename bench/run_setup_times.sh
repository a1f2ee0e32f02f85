#!/usr/bin/env bash
# Set-up and build times on this machine, with the packages already present
# (docs/performance.md, "Set-up and build times"): in a copy of the source
# tree without build folders, the main job (scripts/run.sh, headless) from
# scratch, the time to its first printed result and to its end; then the
# whole Release build that scripts/test.sh starts with, and the sanitizer
# build it adds. Run it on an idle machine (it uses every core).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/axbnn-times.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$work"
cd "$work"
now() { date +%s; }
seconds() { echo $(($2 - $1)); }

start=$(now)
first=""
while IFS= read -r line; do
  if [ -z "$first" ] && [[ $line == "popcount of "* ]]; then first=$(now); fi
done < <(env -u DISPLAY -u WAYLAND_DISPLAY bash scripts/run.sh 2>&1)
end=$(now)
[ -n "$first" ] || { echo "the main job printed no result" >&2; exit 1; }
echo "main job from scratch: first result after $(seconds "$start" "$first") s, done after $(seconds "$start" "$end") s"

rm -rf build
source scripts/setup.sh
start=$(now)
configure build
build build > /dev/null
end=$(now)
echo "full Release build (every test and benchmark): $(seconds "$start" "$end") s"
start=$(now)
configure build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAXBNN_SANITIZE=ON -DAXBNN_GUI=OFF -DAXBNN_BENCH=OFF
build build-asan > /dev/null
end=$(now)
echo "sanitizer build (engine and its tests): $(seconds "$start" "$end") s"
