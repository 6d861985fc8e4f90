from conftest import ROOT, export_tasks, write_json
from omegaconf import OmegaConf

from govner.data.dataset import fit_windows, prepare_data
from govner.data.segmentation import token_count
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


def test_training_windows_are_cut_to_the_models_limit_as_inference_cuts_them(tmp_path):
    rows = [(f"第{i}句：……[[产值|INDICATOR]]……[[{i}|QUANTITY]][[亿元|UNIT]]……㎡……。", f"r{i % 8}") for i in range(40)]
    cfg = data_cfg(write_json(tmp_path / "e.json", export_tasks(rows)), max_chars=200, stride=4)
    data = prepare_data(cfg, ENTITY_LABELS)
    assert fit_windows(data, cfg, 200) == 0  # everything fits: nothing changes
    assert fit_windows(data, cfg, 20) > 0
    for name, docs in data.documents.items():
        examples = data.dataset[name]
        assert all(token_count(text) <= 20 for text in examples["text"])
        for doc in docs:
            windows = [
                (offset, offset + len(text))
                for offset, text, doc_id in zip(examples["offset"], examples["text"], examples["doc_id"], strict=True)
                if doc_id == doc.id
            ]
            covered = {k for start, end in windows for k in range(start, end)}
            assert covered >= {k for k, ch in enumerate(doc.text) if not ch.isspace()}  # every character tagged
            assert all(any(s <= sp.start and sp.end <= e for s, e in windows) for sp in doc.spans)  # no entity cut
