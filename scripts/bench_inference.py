"""Inference benchmark: ``python scripts/bench_inference.py model_dir=DIR [sample_chars=N]`` (see configs/bench_inference.yaml)."""

import hydra
from omegaconf import DictConfig

from govner.bench.inference import benchmark_job
from govner.paths import CONFIG_DIR, register_resolvers

register_resolvers()


@hydra.main(config_path=CONFIG_DIR, config_name="bench_inference", version_base="1.3")
def main(cfg: DictConfig) -> None:
    benchmark_job(cfg)


if __name__ == "__main__":
    main()
