"""Evaluate the indicator-record linker against gold records:
``python scripts/evaluate_records.py [gold=FILE] [model_dir=DIR] [output_dir=OUT]``."""

import hydra
from omegaconf import DictConfig

from govner.paths import CONFIG_DIR, register_resolvers
from govner.records.evaluation import evaluate_records_job

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="evaluate_records", version_base="1.3")
def main(cfg: DictConfig) -> None:
    evaluate_records_job(cfg)


if __name__ == "__main__":
    main()
