"""Pull a Label Studio project's annotations into annotations/, validated: ``python scripts/ls_pull.py [project=NAME]``."""

import sys

import hydra
from omegaconf import DictConfig

from govner.labelstudio.pull import pull_job
from govner.paths import CONFIG_DIR, register_resolvers

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="ls_pull", version_base="1.3")
def main(cfg: DictConfig) -> None:
    status = pull_job(cfg)
    if status:
        sys.exit(status)


if __name__ == "__main__":
    main()
