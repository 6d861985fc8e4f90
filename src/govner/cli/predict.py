"""``govner predict`` (``scripts/predict.py``): tag report files with a model directory and write
entities (JSONL), Label Studio tasks, indicator records, the comparison table or the HTML report;
see configs/predict.yaml."""

from __future__ import annotations

from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.common import batch_predictor
from govner.cli.config import register_configs
from govner.inference.batch import predict_files
from govner.inference.cpu import map_large_allocations
from govner.model.model_dir import ModelDir

register_configs()


def predict_job(cfg: DictConfig) -> int:
    """Returns the exit status (1 if any input failed)."""
    map_large_allocations(cfg.mmap_threshold_kib)
    predictor = batch_predictor(cfg, max_chars=cfg.max_chars, stride=cfg.stride)
    summary = predict_files(
        predictor,
        cfg.input,
        cfg.output,
        output_format=str(cfg.output_format),
        model_version=cfg.model_version or ModelDir(cfg.model_dir).version(),
        chunk_chars=cfg.chunk_chars,
        from_name=cfg.labelstudio.from_name,
        to_name=cfg.labelstudio.to_name,
        shard=cfg.shard,
        num_shards=cfg.num_shards,
        single_page_documents=cfg.html.single_page_documents,
    )
    print(summary)
    print(f"output: {cfg.output} ({cfg.output_format})")
    return 1 if summary.failures else 0


@hydra_command("predict")
def main(cfg: DictConfig) -> int:
    return predict_job(cfg)


if __name__ == "__main__":
    main()
