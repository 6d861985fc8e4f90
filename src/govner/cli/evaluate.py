"""``govner evaluate`` (``scripts/evaluate.py``): score a model directory on the recorded split of
its own data, or on any Label Studio export (``data.path=``); see configs/evaluate.yaml."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.common import annotation_tasks, batch_predictor
from govner.cli.config import register_configs
from govner.data.dataset import describe_data, load_documents
from govner.errors import GovnerError
from govner.evaluation.entities import EvaluationResult, evaluate_documents, split_documents, whole_report_documents
from govner.evaluation.metrics import format_table
from govner.inference.predictor import fragments_note
from govner.model.model_dir import DATA_REPORT_FILE, ModelDir

register_configs()

WHOLE = "whole"  # split=whole: the whole test reports, every sentence annotated


def evaluate_job(cfg: DictConfig) -> EvaluationResult:
    """A model directory against ``cfg.data.path``, or against the ``cfg.split`` documents it
    was trained and evaluated on."""
    model_dir = ModelDir(cfg.model_dir)
    predictor = batch_predictor(cfg)
    labels = model_dir.labels()
    if cfg.data.path:
        docs, report = load_documents(cfg.data, labels, annotation_tasks(cfg.data))
        what = str(cfg.data.path)
    elif cfg.split == WHOLE:
        data_cfg = model_dir.train_config().data
        test, report = split_documents(model_dir.path, "test", annotation_tasks)
        docs = whole_report_documents(test, data_cfg.split.get("whole_reports_file"))
        what = f"whole test reports ({data_cfg.split.get('whole_reports_file')}) of {describe_data(data_cfg)}"
    else:
        docs, report = split_documents(model_dir.path, cfg.split, annotation_tasks)
        what = f"{cfg.split} split of {describe_data(model_dir.train_config().data)}"
    if not docs:
        raise GovnerError(f"nothing to evaluate in {what}")
    out = Path(cfg.output_dir)
    result = evaluate_documents(predictor, docs, labels)
    result.write(out)
    if report is not None:
        report.write(out / DATA_REPORT_FILE)
    elif model_dir.file(DATA_REPORT_FILE).exists():  # the documents kept by training: its report
        (out / DATA_REPORT_FILE).write_bytes(model_dir.file(DATA_REPORT_FILE).read_bytes())
    print(format_table(result.metrics, f"{model_dir.path} on {what} ({len(docs)} documents):"))
    print("span errors:", ", ".join(f"{k} {v}" for k, v in result.metrics["span_errors"].items()))
    print(f"spurious entities per 1,000 characters: {result.metrics['spurious_per_1000_chars']:.2f}")
    print(fragments_note(result.metrics["fragments"]["count"], result.metrics["fragments"]["policy"]))
    print(f"metrics: {out / 'metrics.json'}\nerrors:  {out / 'errors.jsonl'}")
    return result


@hydra_command("evaluate")
def main(cfg: DictConfig) -> None:
    evaluate_job(cfg)


if __name__ == "__main__":
    main()
