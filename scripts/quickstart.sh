#!/usr/bin/env bash
# The main job, end to end on the bundled annotations: set up, train the default model, evaluate it
# on the fixed test reports and on the whole test reports beside the feature-CRF baseline, tag a
# sample report, print where everything went.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
GOVNER=.venv/bin/govner
RUN=${RUN:-default}
SAMPLE=${SAMPLE:-../shared/corpus/city_2024/三亚.txt}

# The default model (the best row of docs/results.md, configs/model/lac.yaml): Baidu's LAC-small
# tagger as jieba ships it (character embeddings and a two-layer BiGRU trained on large Chinese
# corpora; nothing is downloaded), fine-tuned with hashed character bigrams, a BiLSTM and a CRF
# layer. Training evaluates it on dev, on the test reports and on the whole test reports
# (models/$RUN/eval-*/).
$GOVNER train run_name="$RUN"
# The bar it is measured against: a feature CRF on the same data, split and metrics.
$GOVNER crf-baseline output_dir=models/crf-baseline
echo; echo "test reports (strict entity F1):"
$GOVNER summarize-runs "models/$RUN" models/crf-baseline --split test
echo; echo "whole test reports, every sentence:"
$GOVNER summarize-runs "models/$RUN" models/crf-baseline --split whole
if [ -f "$SAMPLE" ]; then
  $GOVNER predict model_dir="models/$RUN" input="'$SAMPLE'" output="models/$RUN/predictions/sample.jsonl"
  $GOVNER predict model_dir="models/$RUN" input="'$SAMPLE'" output="models/$RUN/predictions/sample.labelstudio.json" output_format=labelstudio
  $GOVNER predict model_dir="models/$RUN" input="'$SAMPLE'" output="models/$RUN/predictions/sample.html" output_format=html
else
  echo "no sample report at $SAMPLE (set SAMPLE=path/to/report.txt); skipping batch inference"
fi

cat <<MSG

Outputs
  model directory      models/$RUN/  (weights, tokenizer, label_map.json, config.yaml, metrics.json, README.md)
  dev/test metrics     models/$RUN/metrics.json (dev, test, whole)
  test evaluation      models/$RUN/eval-test/metrics.json, models/$RUN/eval-test/errors.jsonl (+ eval-whole/)
  CRF baseline         models/crf-baseline/metrics.json
  sample predictions   models/$RUN/predictions/sample.jsonl (+ sample.labelstudio.json for Label Studio)
  analyst's report     models/$RUN/predictions/sample.html (open in a browser; + sample.comparison.csv)
MSG
