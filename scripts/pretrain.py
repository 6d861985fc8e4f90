"""Pretrain the compact character BERT on plain-text reports (see configs/pretrain.yaml)."""

import hydra
from omegaconf import DictConfig

from govner.paths import CONFIG_DIR, register_resolvers
from govner.training.pretraining import pretrain

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="pretrain", version_base="1.3")
def main(cfg: DictConfig) -> None:
    pretrain(cfg)


if __name__ == "__main__":
    main()
