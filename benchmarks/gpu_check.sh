#!/usr/bin/env bash
# The GPU check (#13.6), one script of at most ~8 minutes on one GPU. It
#   1. installs rbx into a fresh venv (skipped when RBX_VENV names a ready one: a machine without
#      a package index),
#   2. attacks the default learned victim in ko with char-noise (100 pairs, budget 100) on the CPU in
#      fp32, on cuda in fp32 and on cuda in bf16,
#   3. compares the outcomes per pair with the CPU's (fp32 on cuda: identical outcomes expected; bf16:
#      the count that differ is the number to report),
#   4. times `rbx eval` on 7 languages x 2,000 pairs on cuda (fp32 and bf16).
# Usage: bash benchmarks/gpu_check.sh [OUT]      (default OUT: gpu-check/; everything it writes is there)
# It is never needed for tests or CI.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-${OUT:-gpu-check}}
mkdir -p "$OUT"
VENV=${RBX_VENV:-$OUT/venv}
VICTIM=${RBX_VICTIM:-e5s-ft500-standard-s0}
N=${RBX_CHECK_N:-100}
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$OUT/gpu-check.log"; }

if [ ! -x "$VENV/bin/rbx" ]; then
  log "installing into $VENV"
  python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -e . >"$OUT/pip.log" 2>&1
fi
RBX="$VENV/bin/rbx"
PY="$VENV/bin/python"
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true; } | tee "$OUT/gpu.txt"
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'gpu', torch.cuda.is_available())" \
  | tee -a "$OUT/gpu.txt"

attack() {  # device precision
  local dir="$OUT/attack-$1-$2" start end
  start=$(date +%s.%N)
  timeout 240 "$RBX" attack --model "$VICTIM" --lang ko --recipe char-noise --n "$N" --query-budget 100 \
    --device "$1" --precision "$2" --out "$dir" --overwrite --quiet >"$dir.stdout" 2>&1 || log "attack $1 $2 failed: $(tail -1 "$dir.stdout")"
  end=$(date +%s.%N)
  log "attack $1 $2: $(echo "$end - $start" | bc) s"
}
attack cpu fp32
attack cuda fp32
attack cuda bf16

"$PY" - "$OUT" <<'PY' | tee -a "$OUT/gpu-check.log"
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
def outcomes(name):
    files = list((out / name).rglob("examples.jsonl"))
    if not files:
        return None
    rows = [json.loads(line) for line in files[0].read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["id"]: (r.get("status"), r.get("perturbed")) for r in rows}
cpu = outcomes("attack-cpu-fp32")
for name in ("attack-cuda-fp32", "attack-cuda-bf16"):
    other = outcomes(name)
    if cpu is None or other is None:
        print(f"{name}: missing results, no comparison"); continue
    shared = sorted(set(cpu) & set(other))
    status = sum(cpu[i][0] != other[i][0] for i in shared)
    text = sum(cpu[i] != other[i] for i in shared)
    print(f"{name} vs cpu fp32: {len(shared)} pairs, {status} differ in outcome, {text} in outcome or adversarial text")
PY

for precision in fp32 bf16; do
  start=$(date +%s.%N)
  timeout 180 "$RBX" eval --model "$VICTIM" --langs all --n 2000 --device cuda --precision "$precision" \
    --json "$OUT/eval-cuda-$precision.json" >"$OUT/eval-cuda-$precision.txt" 2>&1 || log "eval $precision failed: $(tail -1 "$OUT/eval-cuda-$precision.txt")"
  end=$(date +%s.%N)
  log "rbx eval 7 x 2000 pairs, cuda $precision: $(echo "$end - $start" | bc) s (includes loading)"
done
log "done; files in $OUT"
