"""``govner bench-inference`` (``scripts/bench_inference.py``): inference throughput of the
transformers pipeline, govner's predictor modes and the bare forward pass; see
configs/bench_inference.yaml."""

from __future__ import annotations

import hydra
from omegaconf import DictConfig, OmegaConf

from govner.bench.inference import InferenceBenchmark, run_benchmark
from govner.cli.config import CONFIG_DIR, register_configs

register_configs()


@hydra.main(config_path=CONFIG_DIR, config_name="bench_inference", version_base="1.3")
def main(cfg: DictConfig) -> None:
    run_benchmark(InferenceBenchmark(**OmegaConf.to_container(cfg, resolve=True)))


if __name__ == "__main__":
    main()
