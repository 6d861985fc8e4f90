"""``govner active-learning`` (``scripts/active_learning.py``): the active-learning simulation on
the gold set, uncertainty order against random order; see configs/active_learning.yaml."""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from govner.bench.active_learning import simulate, write_results
from govner.cli.config import CONFIG_DIR, register_configs

register_configs()

NOTES = """Setup (`configs/active_learning.yaml`): the shipped model (`configs/model/lac.yaml`: LAC-small, bigrams,
CRF layer) with its LAC encoder frozen and 6 epochs (early stopping patience 2) instead of 15, for the loaded
CPU, trained from scratch on each labeled set (seed = the simulation's seed). The start set (200 sentences) is
drawn at random from the train split and shared by both strategies; each of 3 rounds adds 200 sentences of the
rest of the train split (the pool), chosen by the previous round's model — the most uncertain, 1 − the
probability of its decoded tag path under its CRF layer, the score and order `govner ls-push` ships — or at
random. Dev selects the checkpoint; test: the 16 fixed test reports (1,353 sentences), seqeval strict entity
micro F1. *Entities*: gold spans in the labeled sentences. Made by `OMP_NUM_THREADS=1 govner active-learning`
(one torch thread, on a 2-core machine shared with other jobs)."""


@hydra.main(config_path=CONFIG_DIR, config_name="active_learning", version_base="1.3")
def main(cfg: DictConfig) -> None:
    points = simulate(cfg)
    al = cfg.active_learning
    print(write_results(points, Path(al.results), Path(al.plot), NOTES))


if __name__ == "__main__":
    main()
