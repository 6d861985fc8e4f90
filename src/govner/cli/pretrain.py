"""``govner pretrain`` (``scripts/pretrain.py``): masked-LM pretraining of the compact character
BERT on plain-text reports; see configs/pretrain.yaml."""

from __future__ import annotations

from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.config import register_configs
from govner.training.pretraining import pretrain

register_configs()


@hydra_command("pretrain")
def main(cfg: DictConfig) -> None:
    pretrain(cfg)


if __name__ == "__main__":
    main()
