#!/usr/bin/env bash
# Transfer learning on the data that is here (issue 12): pretrain the small VGG-style net on MNIST
# digits, then fine-tune it on a few hundred synthetic microscopy images, against the same net
# trained from scratch on the same images, for five seeds; prints both accuracies per seed and
# their means. Usage: scripts/transfer-demo.sh [WORK_FOLDER] (default: transfer-demo; must not
# exist). Uses the release binary (`make build` first) and ../shared/datasets/mnist.
set -euo pipefail

almagest=${ALMAGEST:-.build/release/almagest}
work=${1:-transfer-demo}
mnist=${MNIST:-../shared/datasets/mnist}
images=${IMAGES:-300}
size=32
if [ -e "$work" ]; then echo "transfer-demo: $work exists; give a new folder" >&2; exit 1; fi
[ -x "$almagest" ] || { echo "transfer-demo: $almagest missing; run make build" >&2; exit 1; }
runs="$work/runs"

"$almagest" make-images --output "$work/mnist" --mnist "$mnist" --count 3000
"$almagest" make-images --output "$work/cells" --count "$images" --size 64 --seed 11
"$almagest" train-images --data "$work/mnist" --model small --size "$size" --epochs 4 --runs "$runs" --experiment pretrain \
  --gradcam 0 --seed 0
weights=$(ls -d "$runs"/pretrain/*/ | head -1)best.safetensors

for seed in 0 1 2 3 4; do
  "$almagest" train-images --data "$work/cells" --model small --size "$size" --epochs 15 --augment rotate=180,hflip,vflip \
    --runs "$runs" --experiment fine-tuned --weights "$weights" --seed "$seed" --gradcam 0
  "$almagest" train-images --data "$work/cells" --model small --size "$size" --epochs 15 --augment rotate=180,hflip,vflip \
    --runs "$runs" --experiment scratch --seed "$seed" --gradcam 0
done
"$almagest" runs list --runs "$runs" --experiment pretrain --metrics accuracy
for experiment in fine-tuned scratch; do
  "$almagest" runs list --runs "$runs" --experiment "$experiment" --metrics accuracy
  "$almagest" runs list --runs "$runs" --experiment "$experiment" --metrics accuracy |
    awk -v name="$experiment" '$2 == name { total += $NF; n++ } END { printf "%s: mean test accuracy %.3f over %d seeds\n", name, total / n, n }'
done
