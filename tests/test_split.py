from govner.data.spans import Document
from govner.data.split import read_sources, split_by_source


def write_sources(path, sources: set[str], header: str) -> None:
    """A test-reports file as annotations/test_reports.txt is written: a comment, one report a line."""
    body = "".join(f"{s}\n" for s in sorted(sources))
    path.write_text(f"# {header}\n{body}", encoding="utf-8")


def docs(n_sources=20, per_source=10):
    return [
        Document(f"{s}-{i}", f"句子{s}-{i}", [], f"report{s}.txt") for s in range(n_sources) for i in range(per_source)
    ]


def sources(split):
    return {d.source for d in split}


def test_a_report_never_spans_two_splits():
    splits = split_by_source(docs(), 0.15, 0.15, seed=1)
    tr, dv, te = (sources(splits[k]) for k in ("train", "dev", "test"))
    assert tr and dv and te
    assert not (tr & dv or tr & te or dv & te)
    assert sum(len(v) for v in splits.values()) == 200
    assert 0.1 <= len(splits["test"]) / 200 <= 0.25


def test_split_is_deterministic_for_a_seed():
    a = split_by_source(docs(), 0.15, 0.15, seed=3)
    b = split_by_source(docs(), 0.15, 0.15, seed=3)
    assert {k: sources(v) for k, v in a.items()} == {k: sources(v) for k, v in b.items()}


def test_fixed_test_reports_are_respected(tmp_path):
    path = tmp_path / "test_reports.txt"
    write_sources(path, {"report0.txt", "report5.txt"}, "fixed")
    fixed = read_sources(path)
    splits = split_by_source(docs(), 0.15, 0.15, seed=9, test_sources=fixed)
    assert sources(splits["test"]) == {"report0.txt", "report5.txt"}
    assert not sources(splits["train"]) & fixed and sources(splits["dev"])


def test_fixed_dev_reports_stay_when_training_reports_grow():
    fixed_test, fixed_dev = {"report0.txt"}, {"report3.txt", "report7.txt"}
    before = split_by_source(docs(), 0.15, 0.15, seed=9, test_sources=fixed_test, dev_sources=fixed_dev)
    grown = docs() + [Document(f"new-{i}", f"新句子{i}", [], "report1.txt") for i in range(40)]
    after = split_by_source(grown, 0.15, 0.15, seed=9, test_sources=fixed_test, dev_sources=fixed_dev)
    assert sources(before["dev"]) == sources(after["dev"]) == fixed_dev
    assert sources(after["test"]) == fixed_test
    assert len(after["train"]) == len(before["train"]) + 40


def test_a_report_listed_as_dev_and_test_is_a_test_report():
    splits = split_by_source(
        docs(), 0.15, 0.15, seed=9, test_sources={"report2.txt"}, dev_sources={"report2.txt", "report4.txt"}
    )
    assert sources(splits["test"]) == {"report2.txt"} and sources(splits["dev"]) == {"report4.txt"}


def test_a_dev_reports_file_naming_none_of_the_data_is_left_aside(tmp_path, caplog):
    from govner.data.dataset import DataSettings, prepare_data
    from govner.labels import ENTITY_LABELS

    export = tmp_path / "export.json"
    tasks = [
        {"id": i, "data": {"text": f"第{i}句增长5%", "report": f"r{i % 6}.txt"}, "annotations": [{"result": []}]}
        for i in range(36)
    ]
    export.write_text(__import__("json").dumps(tasks, ensure_ascii=False), encoding="utf-8")
    dev_file = tmp_path / "dev_reports.txt"
    write_sources(dev_file, {"elsewhere.txt"}, "dev reports of other data")
    settings = DataSettings.of(
        {
            "path": str(export),
            "split": {"dev_ratio": 0.2, "test_ratio": 0.2, "seed": 1, "dev_reports_file": str(dev_file)},
        }
    )
    data = prepare_data(settings, tuple(ENTITY_LABELS))
    assert data.documents["dev"] and "none of the dev reports" in caplog.text
