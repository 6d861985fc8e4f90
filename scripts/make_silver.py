"""Self-training, step 1: a teacher tags unlabeled reports; confident sentences become silver
data (see configs/silver.yaml). Step 2: ``python scripts/train.py data.silver_path=...``."""

import hydra
from omegaconf import DictConfig

from govner.paths import CONFIG_DIR, register_resolvers
from govner.training.self_training import silver_job

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="silver", version_base="1.3")
def main(cfg: DictConfig) -> None:
    silver_job(cfg)


if __name__ == "__main__":
    main()
