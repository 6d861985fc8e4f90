"""``govner build-lexicon``: mine a domain lexicon from the unlabeled corpus with a teacher model
(its dev and test reports excluded) for the tagger's lexicon features (configs/lexicon.yaml;
``govner train model.lac.lexicon=<the TSV>``)."""

from __future__ import annotations

import logging
from pathlib import Path

from omegaconf import DictConfig

from govner.cli.boundary import hydra_command
from govner.cli.config import register_configs
from govner.inference.predictor import Predictor
from govner.model.model_dir import ModelDir
from govner.training.lexicon_mining import corpus_reports, jieba_organizations, mine_entities, write_lexicon

register_configs()
log = logging.getLogger(__name__)


@hydra_command("lexicon")
def main(cfg: DictConfig) -> None:
    teacher = ModelDir(cfg.teacher).require()
    splits = teacher.splits()
    held_out = frozenset(s for name in ("dev", "test") for s in splits.get(name, {}).get("sources", []))
    reports = corpus_reports(Path(cfg.corpus_dir), held_out)
    log.info("%d reports read, %d dev/test reports of %s excluded", len(reports), len(held_out), teacher.path)
    predictor = Predictor.from_dir(teacher.path, batch_size=cfg.batch_size)
    counts = mine_entities(predictor, reports)
    orgs = jieba_organizations() if cfg.jieba_organizations else set()
    n = write_lexicon(Path(cfg.output), counts, cfg.min_count, list(cfg.labels), held_out, orgs)
    print(f"lexicon: {cfg.output} ({n} entries from {len(reports)} reports; {len(held_out)} dev/test reports excluded)")


if __name__ == "__main__":
    main()
