"""``govner bench-inference`` (``scripts/bench_inference.py``): inference throughput of the
transformers pipeline, govner's predictor modes and the bare forward pass; see
configs/bench_inference.yaml."""

from __future__ import annotations

from omegaconf import DictConfig, OmegaConf

from govner.bench.inference import InferenceBenchmark, run_benchmark
from govner.cli.boundary import hydra_command
from govner.cli.config import register_configs

register_configs()


@hydra_command("bench_inference")
def main(cfg: DictConfig) -> None:
    run_benchmark(InferenceBenchmark(**OmegaConf.to_container(cfg, resolve=True)))


if __name__ == "__main__":
    main()
