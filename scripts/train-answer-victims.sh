#!/usr/bin/env bash
# How the answer plan's victims (attacks/pawsx-answer.yaml) were trained: one recipe for both regimes,
# chosen on English PAWS-X dev only (docs/victims.md, section 5). Usage:
#   scripts/train-answer-victims.sh standard 0 [--resume]      # -> runs/e5s-ft500-standard-s0
#   scripts/train-answer-victims.sh stilts 1                    # -> runs/e5s-ft500-stilts-s1
# then: rbx models ship runs/e5s-ft500-<regime>-s<seed> --id e5s-ft500-<regime>-s<seed>
set -euo pipefail
regime=$1 seed=$2
shift 2
cd "$(dirname "$0")/.."
# STILTs only: the UD phase at 2e-5. At the PAWS rate (1e-4) it collapsed the encoder (docs/victims.md).
stilts=()
[ "$regime" = stilts ] && stilts=(--intermediate-lr 2e-5)
exec .venv/bin/rbx train --base e5-small --regime "$regime" --seed "$seed" \
  --out "runs/e5s-ft500-$regime-s$seed" \
  --lora-r 0 --lr 1e-4 --max-steps 500 --warmup-steps 50 --shuffle \
  --freeze word-embeddings --frozen-pooler --head-init linear --head-dropout 0 \
  --precision auto --delta-rank 32 --eval-n 400 --save-steps 100 --threads "${RBX_THREADS:-2}" "${stilts[@]}" "$@"
