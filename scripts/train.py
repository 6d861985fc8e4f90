"""Train a tagger: ``python scripts/train.py [overrides]`` (see configs/train.yaml)."""

import hydra
from omegaconf import DictConfig

from govner.paths import CONFIG_DIR, register_resolvers
from govner.training.trainer import train

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="train", version_base="1.3")
def main(cfg: DictConfig) -> float:
    metrics = train(cfg)
    return metrics["dev"]["overall"]["f1"]


if __name__ == "__main__":
    main()
