"""The model card (``README.md``) written into every trained model directory."""

from __future__ import annotations

from pathlib import Path

from govner.evaluation.metrics import format_table
from govner.files import write_text_atomic
from govner.model.model_dir import MODEL_CARD_FILE


def write_model_card(model_dir: Path, run_name: str, cfg_summary: dict, splits: dict, metrics: dict) -> None:
    labels = list(dict.fromkeys(t[2:] for t in cfg_summary["tags"] if t != "O"))
    named = ", ".join(labels[:-1]) + f" and {labels[-1]}" if len(labels) > 1 else "".join(labels)
    lines = [
        f"# govner model `{run_name}`",
        "",
        f"Token-classification model tagging {named} spans in Chinese",
        "government work reports (IOB2, one tag per character).",
        "",
        "## Data",
        f"- annotations: `{cfg_summary['data_path']}`",
    ]
    for name, info in splits.items():
        lines.append(f"- {name}: {info['documents']} sentences from {len(info['sources'])} reports")
    lines += [
        "",
        "## Model",
        f"- base: {cfg_summary['base']}",
        f"- labels: {', '.join(cfg_summary['tags'])}",
        f"- decoding: {cfg_summary['decoding']}",
        "",
    ]
    lines += ["## Metrics (seqeval, strict IOB2, entity level)", ""]
    for split in ("dev", "test"):
        if split in metrics:
            lines += ["```", format_table(metrics[split], f"{split}:"), "```", ""]
    lines += [
        "## How to use",
        "",
        "```bash",
        f"govner predict model_dir={model_dir} input=report.txt output=entities.jsonl",
        f"govner evaluate model_dir={model_dir} data.path=export.json output_dir=eval",
        f"govner serve model_dir={model_dir}   # live predictions in Label Studio",
        "```",
        "",
        "```python",
        "from govner.inference.predictor import Predictor",
        f'predictor = Predictor.from_dir("{model_dir}")',
        'predictor.predict(["全年地区生产总值717.11亿元，增长3.0%。"])[0].entities',
        "```",
        "",
        "Files (see `govner.model.model_dir`): weights and `config.json` (with the label map), tokenizer",
        "files, `label_map.json`, `govner.json` (inference settings), `config.yaml` (the resolved training",
        "config), `splits.json` (reports per split) with `split-dev.jsonl` and `split-test.jsonl` (the exact",
        "documents), `data_report.json` (skipped tasks), `metrics.json`.",
        "",
    ]
    write_text_atomic((model_dir / MODEL_CARD_FILE), "\n".join(lines))
