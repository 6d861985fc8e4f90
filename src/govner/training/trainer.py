"""Fine-tune a token-classification model as configured, and write a self-contained model
directory: weights, tokenizer, label map, resolved config, metrics and a model card.

Runs unchanged data-parallel under ``torchrun`` (or ``accelerate launch``): every process
prepares the same data and vocabulary (both deterministic), the Trainer shards the batches, and
process 0 alone writes the model directory and evaluates; the others receive its metrics."""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Collection
from pathlib import Path

import numpy as np
import torch
from accelerate.utils import broadcast_object_list
from datasets import DatasetDict
from omegaconf import DictConfig, OmegaConf
from transformers import (
    DataCollatorForTokenClassification,
    EarlyStoppingCallback,
    EvalPrediction,
    Trainer,
    TrainingArguments,
    set_seed,
)

from govner.data.dataset import describe_data, fit_windows, prepare_data
from govner.data.labelstudio_format import RawTask
from govner.errors import GovnerError
from govner.evaluation.entities import evaluate_documents, whole_report_documents
from govner.evaluation.metrics import entity_metrics, format_table
from govner.inference.decoding import allowed_transitions, decode
from govner.inference.predictor import Predictor
from govner.labels import iob2_tags
from govner.model.features import IGNORE, tokenize_examples
from govner.model.lac_tagger import crf_scores
from govner.model.lexicon import check_held_out
from govner.model.model_dir import CHECKPOINTS_DIR, DATA_REPORT_FILE, ModelDir, Settings
from govner.model.modeling import ModelSettings, build_model
from govner.model.tokenization import token_limit
from govner.training.clock import TrainingClock
from govner.training.loggers import logger_callbacks
from govner.training.model_card import write_model_card

log = logging.getLogger(__name__)

# Keys of the ``trainer`` config group that are govner's, not TrainingArguments'.
_OWN_KEYS = (
    "early_stopping_patience",
    "resume_from_checkpoint",
    "keep_checkpoints",
    "stop_after_epochs",
    "stop_after_seconds",
    "stop_at_f1",
)


def train(
    cfg: DictConfig, tasks: Callable[[], list[RawTask]] | None = None, train_texts: Collection[str] | None = None
) -> dict:
    """Run one training job as the resolved train config ``cfg`` says (configs/train.yaml; it is
    saved into the model directory), on the tasks ``tasks()`` returns (default: those of the export
    files at ``cfg.data.path``), of whose training sentences only ``train_texts`` if given; return
    the metrics written to ``metrics.json``. Data-parallel, process 0 alone calls ``tasks`` (a live
    Label Studio project is exported once) and hands them on."""
    set_seed(cfg.seed)
    model_dir = Path(cfg.output_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    labels = tuple(cfg.labels)
    tags = iob2_tags(labels)
    label2id = {t: i for i, t in enumerate(tags)}

    trainer_cfg = OmegaConf.to_container(cfg.trainer, resolve=True)
    own = {k: trainer_cfg.pop(k) for k in _OWN_KEYS}
    if _cpu_data_parallel():  # accelerate sets up gloo on CPU only when told the run is on CPU
        trainer_cfg.setdefault("use_cpu", True)
    args = TrainingArguments(
        output_dir=str(model_dir / CHECKPOINTS_DIR),
        eval_strategy="epoch",
        save_strategy="epoch",
        load_best_model_at_end=True,
        metric_for_best_model="f1",
        greater_is_better=True,
        save_total_limit=1,
        report_to="none",  # the logger config group adds its callbacks below
        run_name=cfg.run_name,
        seed=cfg.seed,
        **trainer_cfg,
    )
    writer = args.process_index == 0  # the one process that writes the model directory
    if not args.should_log:  # data-parallel replicas: as quiet as the Trainer's (log_level_replica)
        logging.getLogger("govner").setLevel(args.get_process_log_level())

    shared = None
    if tasks is not None:
        [shared] = broadcast_object_list([tasks() if writer else None])
    data = prepare_data(cfg.data, labels, shared, train_texts)
    if writer:
        data.report.write(model_dir / DATA_REPORT_FILE)
    for split in ("train", "dev"):
        if not data.documents[split]:
            skipped = data.report.skipped
            raise GovnerError(
                f"the {split} split is empty: {len(data.sources('train'))} report(s) in total; "
                "training needs at least one report for train and one for dev (data.split.*). "
                f"The data: {data.report.summary()}" + (f"; the first skipped: {skipped[0]}" if skipped else "")
            )

    model_settings = ModelSettings.of(cfg.model)
    if model_settings.architecture == "lac" and model_settings.lac.lexicon:
        check_held_out(model_settings.lac.lexicon, set(data.sources("dev")) | set(data.sources("test")))
    model, tokenizer = build_model(cfg.model, tags, data.dataset["train"]["text"])
    fit_windows(data, cfg.data, token_limit(tokenizer, model.config))  # as inference cuts them
    # An empty split (no test report among the data) has nothing to tokenize: the Trainer needs train and dev only.
    features = DatasetDict({name: split for name, split in data.dataset.items() if len(split)}).map(
        tokenize_examples,
        batched=True,
        fn_kwargs={"tokenizer": tokenizer, "label2id": label2id},
        remove_columns=data.dataset["train"].column_names,
        desc="tokenize",
    )
    for split, dataset in features.items():
        lost = sum(dataset["n_chars_lost"])
        if lost:
            log.warning("%s: %d characters beyond the model's max length were cut; lower data.max_chars", split, lost)
    features = features.remove_columns("n_chars_lost")

    clock = TrainingClock(own["stop_after_epochs"], own["stop_after_seconds"], own["stop_at_f1"])
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=features["train"],
        eval_dataset=features["dev"],
        data_collator=DataCollatorForTokenClassification(tokenizer),
        processing_class=tokenizer,
        compute_metrics=_entity_metrics(model, tags, labels, str(cfg.decoding)),
        callbacks=[
            EarlyStoppingCallback(early_stopping_patience=own["early_stopping_patience"]),
            clock,
            *(logger_callbacks(cfg.get("logger"), model_dir) if writer else []),
        ],
    )
    started = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=own["resume_from_checkpoint"] or None)
    train_seconds = time.perf_counter() - started
    trainer.save_model(str(model_dir))
    args.distributed_state.wait_for_everyone()  # every process has loaded the best checkpoint
    training = {
        "seconds": round(train_seconds, 1),
        "epochs": round(result.metrics.get("epoch", 0.0), 2),
        "steps": result.global_step,
        "best_checkpoint": trainer.state.best_model_checkpoint,
        "train_examples": len(features["train"]),
        "parameters": trainer.model.num_parameters(),
        **_throughput(clock, sum(map(len, data.dataset["train"]["text"])), args.world_size),
    }
    metrics = None
    if writer:
        metrics = _write_model_dir(cfg, model_dir, trainer, tokenizer, data, training)
        if not own["keep_checkpoints"]:
            shutil.rmtree(model_dir / CHECKPOINTS_DIR, ignore_errors=True)
        print(f"\nmodel directory: {model_dir} (training {train_seconds:.0f}s)")
    [metrics] = broadcast_object_list([metrics])  # the other processes wait for process 0's evaluation
    return metrics


def _cpu_data_parallel() -> bool:
    """Launched as one of several processes (``torchrun``, ``accelerate launch``) on a machine
    without an accelerator."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1 and not torch.accelerator.is_available()


def _throughput(clock: TrainingClock, train_chars: int, processes: int) -> dict:
    """Training speed in characters per second, evaluation excluded; dev F1 over time."""
    return {
        "processes": processes,
        "torch_threads": torch.get_num_threads(),
        "train_chars": train_chars,
        "train_seconds_without_eval": round(clock.train_seconds, 2),
        "chars_per_second": round(train_chars * clock.epochs / clock.train_seconds, 1) if clock.train_seconds else None,
        "stopped_by": clock.stopped_by,
        "dev_f1_history": clock.history,
    }


def _write_model_dir(cfg: DictConfig, model_dir: Path, trainer: Trainer, tokenizer, data, training: dict) -> dict:
    """Beside the saved weights: inference settings, label map, resolved config, splits, dev and
    test evaluations (``eval-<split>/``), ``metrics.json`` and the model card. Returns the metrics."""
    labels = tuple(cfg.labels)
    tags = iob2_tags(labels)
    directory = ModelDir(model_dir)
    directory.write_settings(Settings(cfg.data.max_chars, cfg.data.stride, labels, str(cfg.decoding)))
    directory.write_label_map(tags)
    directory.write_train_config(cfg)
    splits = directory.write_splits(data.documents)

    predictor = Predictor(
        trainer.model,
        tokenizer,
        cfg.data.max_chars,
        cfg.data.stride,
        cfg.trainer.per_device_eval_batch_size,
        str(cfg.decoding),
    )
    metrics: dict = {}
    evaluation_sets = {
        **data.documents,
        "whole": whole_report_documents(data.documents["test"], cfg.data.split.get("whole_reports_file")),
    }
    for split in ("dev", "test", "whole"):
        if evaluation_sets[split]:
            evaluation = evaluate_documents(predictor, evaluation_sets[split], labels)
            evaluation.write(model_dir / f"eval-{split}")
            metrics[split] = evaluation.metrics
            print(format_table(evaluation.metrics, f"\n{split} ({len(evaluation_sets[split])} sentences):"))
    metrics["training"] = training
    directory.write_metrics(metrics)
    if cfg.model.get("architecture") == "lac":
        base = f"LAC-small tagger ({OmegaConf.to_container(cfg.model.lac)})"
    else:
        base = cfg.model.name_or_path or f"scratch BERT ({OmegaConf.to_container(cfg.model.scratch)})"
    write_model_card(
        model_dir,
        cfg.run_name,
        {"data_path": describe_data(cfg.data), "base": base, "tags": tags, "decoding": str(cfg.decoding)},
        splits,
        metrics,
    )
    return metrics


def _entity_metrics(model, tags: list[str], labels: tuple[str, ...], decoding: str):
    """``compute_metrics`` for the Trainer: seqeval entity F1 on the dev windows, decoded as the
    shipped model decodes (``decoding``; with a CRF layer, its current learned transitions), so
    that early stopping and the best checkpoint follow the figure that is reported."""
    allowed = allowed_transitions(tags)
    can_start = torch.tensor([not t.startswith("I-") for t in tags])

    def compute(prediction: EvalPrediction) -> dict:
        crf = crf_scores(model)
        gold, pred = [], []
        for first in range(0, len(prediction.label_ids), 256):
            scores = prediction.predictions[first : first + 256]
            label_ids = prediction.label_ids[first : first + 256]
            keep = label_ids != IGNORE
            order = np.argsort(~keep, axis=1, kind="stable")  # kept positions first, in order
            scores = torch.from_numpy(np.take_along_axis(scores, order[..., None], 1)).float()
            lengths = torch.from_numpy(keep.sum(1))
            pred_ids = decode(scores, lengths, decoding, allowed, can_start, crf)
            for row, n in enumerate(lengths.tolist()):
                gold.append([tags[i] for i in label_ids[row][keep[row]]])
                pred.append([tags[i] for i in pred_ids[row, :n].tolist()])
        metrics = entity_metrics(gold, pred, labels)
        return {
            "f1": metrics["overall"]["f1"],
            "precision": metrics["overall"]["precision"],
            "recall": metrics["overall"]["recall"],
        }

    return compute
