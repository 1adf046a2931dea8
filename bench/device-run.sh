#!/usr/bin/env bash
# Runs the packed GPU benchmark (bench/device-pack.sh copies this file to
# .devbench/run.sh) on a machine with no Node.js: from the repository root,
#   bash .devbench/run.sh
# The log goes to $OUT/gpu-node.log (default OUT=/tmp/out). Environment for the
# benchmark (BENCH_ROWS, BENCH_REPEATS, ...) passes through; see bench/gpu-node.ts.
set -uo pipefail
cd "$(dirname "$0")/.."
D=.devbench
OUT="${OUT:-/tmp/out}"
mkdir -p "$OUT"

echo "== system"
uname -srm
grep -E '^PRETTY_NAME=' /etc/os-release 2>/dev/null
nvidia-smi -L 2>&1 || true

echo "== Vulkan loader"
if command -v dpkg > /dev/null; then
  for f in "$D"/*.deb; do dpkg -x "$f" /; done
  ldconfig
else
  echo "no dpkg: using $D/lib/libvulkan.so.1 through LD_LIBRARY_PATH"
  export LD_LIBRARY_PATH="$PWD/$D/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
ldconfig -p 2>/dev/null | grep libvulkan || true

echo "== Vulkan drivers"
ls /usr/local/nvidia/share/vulkan/icd.d/ /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>&1
if [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-(unset: default search)}"

echo "== unpacking node and dawn.node to /tmp"
unxz_to() { # file.xz destination
  if command -v xz > /dev/null; then
    xz -dc "$1" > "$2"
  else
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}
unxz_to "$D/node.xz" /tmp/sweepscope-node || exit 1
unxz_to "$D/dawn.node.xz" /tmp/sweepscope-dawn.node || exit 1
chmod +x /tmp/sweepscope-node
/tmp/sweepscope-node --version || exit 1

echo "== benchmark"
export SWEEPSCOPE_DAWN=/tmp/sweepscope-dawn.node
# dawn.node's own loader messages land on stderr: keep them in the log
timeout "${BENCH_WALL_S:-295}" /tmp/sweepscope-node "$D/gpu-node.mjs" 2>&1 | tee "$OUT/gpu-node.log"
rc=$?
echo "== exit status $rc"
exit $rc
