#!/usr/bin/env bash
# The main job, end to end on the bundled annotations: set up, train the default model,
# evaluate it on the fixed test reports, tag a sample report, print where everything went.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PY=.venv/bin/python
RUN=${RUN:-default}
SAMPLE=${SAMPLE:-../shared/corpus/city_2024/三亚.txt}

$PY scripts/train.py run_name="$RUN"
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
