"""Hub presets compose with the training config; offline a local directory stands in."""

import pytest
from hydra import compose, initialize_config_dir

from govner.cli.config import CONFIG_DIR, register_configs

PRESETS = {
    "bert-base-chinese": "bert-base-chinese",
    "hfl-chinese-roberta-wwm-ext": "hfl/chinese-roberta-wwm-ext",
    "hfl-rbt3": "hfl/rbt3",
}


@pytest.mark.parametrize(("preset", "hub_name"), PRESETS.items())
def test_preset_sets_hub_name_and_fine_tuning_defaults(preset, hub_name, tmp_path):
    register_configs()
    with initialize_config_dir(config_dir=CONFIG_DIR, version_base="1.3"):
        cfg = compose("train", overrides=[f"model={preset}"], return_hydra_config=False)
        assert cfg.model.name_or_path == hub_name
        assert cfg.trainer.learning_rate == pytest.approx(3e-5)
        assert cfg.trainer.early_stopping_patience == 2  # the rest of the trainer group is kept
        local = compose("train", overrides=[f"model={preset}", f"model.name_or_path={tmp_path}"])
        assert local.model.name_or_path == str(tmp_path)
