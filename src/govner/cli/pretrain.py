"""``govner pretrain`` (``scripts/pretrain.py``): masked-LM pretraining of the compact character
BERT on plain-text reports; see configs/pretrain.yaml."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig

from govner.cli.config import CONFIG_DIR, register_configs
from govner.training.pretraining import pretrain

register_configs()


@hydra.main(config_path=CONFIG_DIR, config_name="pretrain", version_base="1.3")
def main(cfg: DictConfig) -> None:
    pretrain(cfg)


if __name__ == "__main__":
    main()
