#!/usr/bin/env bash
# Builds .device/ (git-ignored) for perf/device-check.sh: everything the GPU machine needs that the
# working tree does not carry, small enough for the 64 MiB transfer limit (working tree included):
#   .device/node.xz              this machine's node binary, xz-compressed (skipped if .device/node exists)
#   .device/bench.mjs            perf/device/device-bench.ts bundled with esbuild (our code, tokenizers,
#                                jinja, transformers.js), with its worker entries session-worker.mjs
#                                and onnx-floor-worker.mjs
#   .device/node_modules/        the native modules it loads: onnxruntime-node (its 46 MB library
#                                as libonnxruntime.so.1.xz), onnxruntime-common, better-sqlite3
#   .device/gl/*.deb             the Vulkan / GL loaders WebGPU (Dawn) needs, unpacked there only
#                                when the machine lacks libvulkan (device README, "Headless rendering")
# Measured: about 40 MB, plus about 16 MB of working tree: under the 64 MiB limit.
# Run from the repository root: bash perf/device-prepare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
D=.device
mkdir -p $D/node_modules
if [ ! -e $D/node ] && [ ! -e $D/node.xz ]; then xz -T2 -6 -c "$(command -v node)" > $D/node.xz; fi
# The bench and the two worker entries (the scorer's sessions, the benchmark floor), side by side
# in .device/ where the bundle's new URL('./session-worker.mjs', import.meta.url) finds them.
# transformers.js is bundled in (for the pipeline comparison); sharp (images) is replaced by a stub.
echo 'export default {};' > $D/sharp-stub.mjs
for entry in perf/device/device-bench.ts:bench src/scorers/onnx/session-worker.ts:session-worker perf/onnx-floor-worker.ts:onnx-floor-worker; do
  npx esbuild "${entry%%:*}" --bundle --platform=node --format=esm --target=node20 \
    --external:onnxruntime-node --external:onnxruntime-common --external:better-sqlite3 --alias:sharp=./$D/sharp-stub.mjs \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
    --outfile=$D/${entry##*:}.mjs --log-level=warning
done
ORT=node_modules/onnxruntime-node
rm -rf $D/node_modules/onnxruntime-node && mkdir -p $D/node_modules/onnxruntime-node/bin/napi-v6/linux/x64
cp -r $ORT/package.json $ORT/dist $D/node_modules/onnxruntime-node/
cp $ORT/bin/napi-v6/linux/x64/onnxruntime_binding.node $D/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/
[ -e $D/libonnxruntime.so.1.xz ] || xz -T2 -6 -c $ORT/bin/napi-v6/linux/x64/libonnxruntime.so.1 > $D/libonnxruntime.so.1.xz
rm -rf $D/node_modules/onnxruntime-common && cp -r node_modules/onnxruntime-common $D/node_modules/
rm -rf $D/node_modules/better-sqlite3 && mkdir -p $D/node_modules/better-sqlite3/build/Release
cp -r node_modules/better-sqlite3/package.json node_modules/better-sqlite3/lib $D/node_modules/better-sqlite3/
cp node_modules/better-sqlite3/build/Release/better_sqlite3.node $D/node_modules/better-sqlite3/build/Release/
for m in bindings file-uri-to-path; do rm -rf $D/node_modules/$m; cp -r node_modules/$m $D/node_modules/; done
if ! ls $D/gl/*.deb >/dev/null 2>&1; then
  mkdir -p $D/gl /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update -qq && (cd $D/gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2) || echo "(no Vulkan loader debs: --device webgpu may find no adapter)"
fi
du -sh $D; du -ab $D | sort -n | tail -6
