"""Evaluate a model directory: ``python scripts/evaluate.py model_dir=DIR [data.path=EXPORT] [output_dir=OUT]``."""

import hydra
from omegaconf import DictConfig

from govner.evaluation.entities import evaluate_job
from govner.paths import CONFIG_DIR, register_resolvers

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="evaluate", version_base="1.3")
def main(cfg: DictConfig) -> None:
    evaluate_job(cfg)


if __name__ == "__main__":
    main()
