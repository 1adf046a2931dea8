#!/usr/bin/env bash
# Packs bench/gpu-node.ts for a Linux x86-64 machine with a GPU but no Node.js,
# no browser and no network, into .devbench/ (ignored through .git/info/exclude):
#   gpu-node.mjs      the benchmark bundled into one ESM file (esbuild; the shader inlined)
#   node.xz           this machine's Node binary (debug info stripped), xz-compressed
#   dawn.node.xz      Dawn's Node binding from the npm package webgpu@0.6.2 (linux-x64), xz-compressed
#   lib*.deb          the Vulkan loader and libglvnd (Debian), for a machine without them
#   lib/              libvulkan.so.1 from that deb, for a machine without dpkg
#   run.sh            what runs there: `bash .devbench/run.sh` from the repository root
# Run from anywhere: bash bench/device-pack.sh   (needs network here: npm pack, apt-get download)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PACK=.devbench
WEBGPU=webgpu@0.6.2
TMP="$(mktemp -d /tmp/sweepscope-pack.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

grep -qxF '/.devbench/' .git/info/exclude 2>/dev/null || echo '/.devbench/' >> .git/info/exclude
rm -rf "$PACK"
mkdir -p "$PACK/lib"

echo "== bundling bench/gpu-node.ts"
cat > "$TMP/bundle.mjs" <<'EOF'
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { resolve, dirname } from 'node:path';
const root = process.argv[2];
const esbuild = createRequire(resolve(root, 'package.json'))('esbuild');
// Vite's `import text from './x.wgsl?raw'`: the file's text as the default export.
const raw = {
  name: 'raw',
  setup(build) {
    build.onResolve({ filter: /\?raw$/ }, (a) => ({ path: resolve(a.resolveDir, a.path.slice(0, -'?raw'.length)), namespace: 'raw' }));
    build.onLoad({ filter: /.*/, namespace: 'raw' }, async (a) => ({ contents: await readFile(a.path, 'utf8'), loader: 'text', resolveDir: dirname(a.path) }));
  },
};
await esbuild.build({
  entryPoints: [resolve(root, 'bench/gpu-node.ts')],
  outfile: resolve(root, '.devbench/gpu-node.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [raw],
  logLevel: 'warning',
  legalComments: 'none',
});
EOF
node "$TMP/bundle.mjs" "$ROOT"

echo "== node ($(node --version)), xz"
NODE_BIN="$(readlink -f "$(command -v node)")"
cp "$NODE_BIN" "$TMP/node"
strip --strip-debug "$TMP/node" 2>/dev/null || true
xz -T0 -6 -c "$TMP/node" > "$PACK/node.xz"

echo "== dawn.node from $WEBGPU, xz"
(cd "$TMP" && timeout 300 npm pack --silent "$WEBGPU" > /dev/null && tar xzf webgpu-*.tgz package/dist/linux-x64/dawn.node)
xz -T0 -9 -c "$TMP/package/dist/linux-x64/dawn.node" > "$PACK/dawn.node.xz"

echo "== Vulkan loader (libvulkan1, amd64)"
mkdir -p /tmp/amd64/partial
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
# shellcheck disable=SC2086
timeout 300 apt-get $o update > /dev/null
# shellcheck disable=SC2086
# libglvnd and friends too: NVIDIA's Vulkan driver (libGLX_nvidia) needs them, and an image may lack them
(cd "$PACK" && timeout 300 apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 > /dev/null)
dpkg -x "$(ls "$PACK"/libvulkan1_*.deb)" "$TMP/vk"
cp -L "$TMP"/vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$PACK/lib/"

cp bench/device-run.sh "$PACK/run.sh"
chmod +x "$PACK/run.sh"

echo "== $PACK"
ls -la "$PACK" "$PACK/lib"
du -sh "$PACK"
