#!/usr/bin/env bash
# The main job, end to end on the bundled annotations: set up, pretrain the encoder on the corpus
# (when present), train the default model, evaluate it on the fixed test reports, tag a sample
# report, print where everything went.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PY=.venv/bin/python
RUN=${RUN:-default}
SAMPLE=${SAMPLE:-../shared/corpus/city_2024/三亚.txt}

# The default model (the best row of docs/results.md): with the unlabeled corpus beside the repo,
# a character BERT pretrained on it (masked LM, one epoch; kept in models/pretrained/corpus and
# reused), fine-tuned on gold, which then tags the corpus for silver data (self-training), and a
# student fine-tuned on gold + silver for as many steps. Without the corpus: one model from scratch.
CORPUS=${CORPUS:-../shared/corpus}
if [ -d "$CORPUS" ]; then
  if [ ! -f models/pretrained/corpus/config.json ]; then
    $PY scripts/pretrain.py corpus_dir="'$CORPUS'" trainer.resume_from_checkpoint=true
  fi
  MODEL=(model=pretrained model.name_or_path=models/pretrained/corpus)
  $PY scripts/train.py run_name="$RUN-teacher" "${MODEL[@]}"
  $PY scripts/make_silver.py teacher="models/$RUN-teacher" run_name="$RUN" corpus_dir="'$CORPUS'"
  EPOCHS=$($PY -c "import json, sys; print(json.load(open(sys.argv[1]))['student_epochs'])" "models/silver/$RUN/silver_report.json")
  $PY scripts/train.py run_name="$RUN" "${MODEL[@]}" data.silver_path="models/silver/$RUN/silver.json" trainer.num_train_epochs="$EPOCHS"
else
  echo "no corpus at $CORPUS: training from scratch (set CORPUS=path/to/reports to pretrain first)"
  $PY scripts/train.py run_name="$RUN"
fi
$PY scripts/evaluate.py model_dir="models/$RUN" split=test output_dir="models/$RUN/eval-test"
if [ -f "$SAMPLE" ]; then
  $PY scripts/predict.py model_dir="models/$RUN" input="'$SAMPLE'" output="models/$RUN/predictions/sample.jsonl"
  $PY scripts/predict.py model_dir="models/$RUN" input="'$SAMPLE'" output="models/$RUN/predictions/sample.labelstudio.json" output_format=labelstudio
else
  echo "no sample report at $SAMPLE (set SAMPLE=path/to/report.txt); skipping batch inference"
fi

cat <<MSG

Outputs
  model directory      models/$RUN/  (weights, tokenizer, label_map.json, config.yaml, metrics.json, README.md)
  dev/test metrics     models/$RUN/metrics.json
  test evaluation      models/$RUN/eval-test/metrics.json, models/$RUN/eval-test/errors.jsonl
  sample predictions   models/$RUN/predictions/sample.jsonl (+ sample.labelstudio.json for Label Studio)
MSG
