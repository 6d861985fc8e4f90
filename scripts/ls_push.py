"""Push reports into a Label Studio project, pre-annotated, most uncertain first: ``python scripts/ls_push.py input=PATH``."""

import sys

import hydra
from omegaconf import DictConfig

from govner.labelstudio.push import push_job
from govner.paths import CONFIG_DIR, register_resolvers

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="ls_push", version_base="1.3")
def main(cfg: DictConfig) -> None:
    status = push_job(cfg)
    if status:
        sys.exit(status)


if __name__ == "__main__":
    main()
