"""``govner active-learning`` (``scripts/active_learning.py``): the active-learning simulation on
the gold set, uncertainty order against random order; see configs/active_learning.yaml."""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig

from govner.bench.active_learning import simulate, write_results
from govner.cli.config import CONFIG_DIR, register_configs

register_configs()

NOTES = """Setup: the shipped model (`configs/model/lac.yaml`) trained from scratch on each labeled set, with
`trainer.num_train_epochs` and early stopping as in `configs/active_learning.yaml` (fewer epochs than the
shipped 15, for the CPU); the start set is drawn at random from the train split (the same for both
strategies); each round adds a batch from the rest of the train split, chosen by the previous model's
uncertainty (1 − the probability of its decoded tag path under the CRF layer, the score `govner ls-push`
orders by) or at random; dev selects the checkpoint; test: the 16 fixed test reports, seqeval strict entity
micro F1. Made by `OMP_NUM_THREADS=1 govner active-learning` (one torch thread, a 2-core machine shared with
other jobs)."""


@hydra.main(config_path=CONFIG_DIR, config_name="active_learning", version_base="1.3")
def main(cfg: DictConfig) -> None:
    points = simulate(cfg)
    al = cfg.active_learning
    print(write_results(points, Path(al.results), Path(al.plot), NOTES))


if __name__ == "__main__":
    main()
