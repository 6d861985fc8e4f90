from conftest import ROOT, export_tasks, write_json
from omegaconf import OmegaConf

from govner.data.dataset import prepare_data
from govner.labels import ENTITY_LABELS


def data_cfg(path, **overrides):
    cfg = OmegaConf.load(ROOT / "configs" / "data" / "labelstudio_export.yaml")
    cfg.path = str(path)
    cfg.split.test_reports_file = None
    return OmegaConf.merge(cfg, overrides)


def test_prepared_dataset_dict_and_train_fraction(tmp_path):
    rows = [(f"第{i}句：[[产值|INDICATOR]][[{i}|QUANTITY]][[亿元|UNIT]]。", f"r{i % 8}") for i in range(80)]
    path = write_json(tmp_path / "e.json", export_tasks(rows))
    full = prepare_data(data_cfg(path), ENTITY_LABELS)
    assert set(full.dataset) == {"train", "dev", "test"}
    assert set(full.dataset["train"].column_names) == {"id", "doc_id", "source", "offset", "text", "tags"}
    assert sum(len(full.documents[s]) for s in full.documents) == 80
    half = prepare_data(data_cfg(path, train_fraction=0.5), ENTITY_LABELS)
    assert len(half.documents["train"]) == round(len(full.documents["train"]) * 0.5)
    assert {d.id for d in half.documents["train"]} <= {d.id for d in full.documents["train"]}
    assert [d.id for d in half.documents["test"]] == [d.id for d in full.documents["test"]]
