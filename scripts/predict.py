"""Batch inference: ``python scripts/predict.py model_dir=DIR input=PATH output=OUT.jsonl``."""

import sys

import hydra
from omegaconf import DictConfig

from govner.inference.batch import predict_job
from govner.paths import CONFIG_DIR, register_resolvers

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="predict", version_base="1.3")
def main(cfg: DictConfig) -> None:
    status = predict_job(cfg)
    if status:
        sys.exit(status)


if __name__ == "__main__":
    main()
