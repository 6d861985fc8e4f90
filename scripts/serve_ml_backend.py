"""Label Studio ML backend: ``python scripts/serve_ml_backend.py model_dir=DIR [port=9090]``."""

import hydra
from omegaconf import DictConfig

from govner.labelstudio.ml_backend import serve
from govner.paths import CONFIG_DIR, register_resolvers

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="serve", version_base="1.3")
def main(cfg: DictConfig) -> None:
    serve(cfg)


if __name__ == "__main__":
    main()
