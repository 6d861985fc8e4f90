"""``govner serve`` (``scripts/serve_ml_backend.py``): a Label Studio ML backend serving a model
directory until interrupted; see configs/serve.yaml."""

from __future__ import annotations

import logging

import uvicorn
from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.common import optional_str
from govner.cli.config import register_configs
from govner.inference.predictor import Predictor
from govner.labelstudio.ml_backend import LabelingTarget, create_app
from govner.model.model_dir import ModelDir

register_configs()
log = logging.getLogger(__name__)


def serve_job(cfg: DictConfig) -> None:
    """Load the model and serve it until interrupted."""
    predictor = Predictor.from_dir(cfg.model_dir, batch_size=cfg.batch_size, decoding=optional_str(cfg.decoding))
    version = cfg.model_version or ModelDir(cfg.model_dir).version()
    ls = cfg.labelstudio
    default = LabelingTarget(ls.from_name, ls.to_name, ls.text_field, frozenset(predictor.labels))
    log.info("serving %s (%s) on http://%s:%d", cfg.model_dir, version, cfg.host, cfg.port)
    uvicorn.run(create_app(predictor, version, default), host=cfg.host, port=cfg.port, log_level=cfg.log_level)


@hydra_command("serve")
def main(cfg: DictConfig) -> None:
    serve_job(cfg)


if __name__ == "__main__":
    main()
