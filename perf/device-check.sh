#!/usr/bin/env bash
# GPU-machine check of the ONNX scorer (issue 3): --device webgpu (and cuda when its provider is
# installed, which the default install skips) against CPU on a small-qwen2-rm-shaped model.
#
# Prepare here, once:      bash perf/device-prepare.sh     (fills the git-ignored .device/, ~40 MB)
# Run with the device tool: command  "bash perf/device-check.sh",  carry [".device"],  timeout_s 540
# (re-run perf/device-prepare.sh after changing src/ or perf/: .device/bench.mjs is a bundle)
#
# What travels: the working tree (~16 MB) and .device/: node.xz (or node), bench.mjs (the bundled
# benchmark), node_modules/ (onnxruntime-node with its library xz-compressed, onnxruntime-common,
# better-sqlite3), gl/*.deb (Vulkan loaders). The 44 MB small-qwen2-rm fixture does not fit the
# 64 MiB limit, so it is rebuilt there with the machine's own torch + transformers
# (perf/device/export-qwen2-rm.py: same config, seeded weights, same export, plus a golden.json of
# torch fp32 logits that every provider is checked against).
# Environment: N (completions, default 400), DEVICES (default cpu,cuda,webgpu), LARGE=1 also builds a Qwen2-0.5B-shaped graph (hidden 896,
# 24 layers, vocab 4096, ~1.4 GB) and measures webgpu and cpu on N_LARGE (default 64) completions.
# Output: printed, and $OUT/device-check.log.
set -uo pipefail
cd "$(dirname "$0")/.."
W=/tmp/rmgauge-device
mkdir -p $W
LOG=${OUT:-$W}/device-check.log
exec > >(tee "$LOG") 2>&1
t0=$(date +%s)

NODE=.device/node
if [ ! -x "$NODE" ]; then
  if [ -e .device/node.xz ]; then xz -dc .device/node.xz > $W/node && chmod +x $W/node && NODE=$W/node
  else echo "no .device/node or .device/node.xz: run perf/device-prepare.sh first"; exit 1; fi
fi
LIB=.device/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1
[ -e $LIB ] || xz -dc .device/libonnxruntime.so.1.xz > $LIB || { echo "missing .device/libonnxruntime.so.1.xz"; exit 1; }
if ! ldconfig -p | grep -q libvulkan && ls .device/gl/*.deb >/dev/null 2>&1; then
  for f in .device/gl/*.deb; do dpkg -x "$f" /; done; ldconfig
fi
[ -e /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
echo "node $($NODE --version); $(nvidia-smi -L 2>/dev/null | head -1); $(nproc) cores; vulkan: $(ldconfig -p | grep -c libvulkan) libs"

# The CUDA provider is not downloadable here; a Python onnxruntime-gpu of the very same version
# ships the same provider libraries, which onnxruntime-node loads from its bin folder.
ORT_VERSION=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' .device/node_modules/onnxruntime-node/package.json | head -1)
CAPI=$(python3 -c 'import onnxruntime, os; print(os.path.join(os.path.dirname(onnxruntime.__file__), "capi"))' 2>/dev/null)
PY_ORT=$(python3 -c 'import onnxruntime; print(onnxruntime.__version__)' 2>/dev/null)
echo "onnxruntime-node $ORT_VERSION; python onnxruntime ${PY_ORT:-not installed}"
if [ -n "$CAPI" ] && [ -e "$CAPI/libonnxruntime_providers_cuda.so" ]; then
  if [ "$PY_ORT" = "$ORT_VERSION" ]; then
    cp "$CAPI"/libonnxruntime_providers_cuda.so "$CAPI"/libonnxruntime_providers_shared.so "$(dirname $LIB)/" && echo "CUDA provider taken from python onnxruntime-gpu $PY_ORT"
  else
    echo "python onnxruntime-gpu $PY_ORT has a CUDA provider, but not for onnxruntime $ORT_VERSION: not used"
  fi
fi

echo "--- building small-qwen2-rm (torch export)"
python3 perf/device/export-qwen2-rm.py $W/small-qwen2-rm test/fixtures/models/tiny-llama-rm || exit 1
echo "--- export done after $(( $(date +%s) - t0 )) s"
timeout 360 $NODE .device/bench.mjs $W/small-qwen2-rm "${N:-400}" "${DEVICES:-cpu,cuda,webgpu}"
echo "--- small-qwen2-rm done after $(( $(date +%s) - t0 )) s"

if [ "${LARGE:-0}" = 1 ]; then
  python3 perf/device/export-qwen2-rm.py $W/qwen2-05b-shaped test/fixtures/models/tiny-llama-rm 896 24 14 2 4864 || exit 1
  timeout 300 $NODE .device/bench.mjs $W/qwen2-05b-shaped "${N_LARGE:-64}" webgpu,cpu
fi
echo "--- total $(( $(date +%s) - t0 )) s"
