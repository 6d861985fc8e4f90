import csv
import json

import pytest

from govner.inference.batch import predict_files
from govner.inference.inputs import InputDocument
from govner.inference.predictor import DocumentPrediction, Entity
from govner.inference.writers import OUTPUT_FORMATS, RECORD_COLUMNS, make_writer


def prediction(text, marks):
    entities = []
    for surface, label in marks:
        start = text.index(surface, entities[-1].end if entities else 0)
        entities.append(Entity(start, start + len(surface), label, surface, 0.9))
    return DocumentPrediction(entities, 0.9)


def test_records_output_jsonl_and_excel_csv(tmp_path):
    text = "前言。全年地区生产总值717.11亿元，增长3.0%。（牵头单位：区发改局）"
    doc = InputDocument("r1", "r1.txt", text)
    pred = prediction(
        text,
        [("地区生产总值", "INDICATOR"), ("717.11", "QUANTITY"), ("亿元", "UNIT"), ("3.0", "QUANTITY"), ("%", "UNIT")],
    )
    writer = make_writer("records", tmp_path / "out.jsonl", "v1")
    writer.write(doc, pred)
    writer.close()
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["indicator"], r["value_text"], r["base_value"], r["base_unit"], r["kind"]) for r in rows] == [
        ("地区生产总值", "717.11亿元", 71_711_000_000, "元", "level"),
        ("地区生产总值", "3.0%", 3.0, "%", "growth"),
    ]
    assert text[rows[0]["indicator_start"] : rows[0]["indicator_end"]] == "地区生产总值"  # document offsets
    assert [r["canonical_indicator"] for r in rows] == ["gdp", "gdp"]  # configs/indicators.yaml
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    table = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert list(table[0]) == list(RECORD_COLUMNS) and len(table) == 2
    assert table[0]["canonical_indicator"] == "gdp"



class Interrupted(KeyboardInterrupt):
    """Ctrl-C in the middle of a run."""


class StopsAfter:
    """The predictor of ``test_predictor``, interrupted when asked for its ``n``-th chunk."""

    def __init__(self, n):
        from test_predictor import predictor

        self.inner, self.left = predictor(), n
        self.fragments = self.inner.fragments

    def predict(self, texts):
        self.left -= 1
        if self.left == 0:
            raise Interrupted
        return self.inner.predict(texts)


@pytest.mark.parametrize("output_format", OUTPUT_FORMATS)
def test_an_interrupted_run_leaves_the_previous_output_whole(tmp_path, output_format):
    reports = tmp_path / "in"
    reports.mkdir()
    for i in range(4):
        (reports / f"r{i}.txt").write_text(f"全年增长{i}.5%，总值717亿元。", encoding="utf-8")
    out = tmp_path / "out" / "pred.jsonl"
    predict_files(StopsAfter(99), str(reports), out, output_format, chunk_chars=10)
    before = {p.name: p.read_bytes() for p in out.parent.iterdir()}
    assert before[out.name]
    with pytest.raises(Interrupted):
        predict_files(StopsAfter(3), str(reports), out, output_format, chunk_chars=10)
    assert {p.name: p.read_bytes() for p in out.parent.iterdir()} == before  # no half file, no temporary left
    if output_format == "labelstudio":
        assert len(json.loads(out.read_text(encoding="utf-8"))) == 4


@pytest.mark.parametrize("output_format", OUTPUT_FORMATS)
def test_an_output_that_is_an_input_is_refused_before_it_is_touched(tmp_path, output_format):
    report = tmp_path / "in.jsonl"
    report.write_text('{"id": "a", "text": "增长3%"}\n', encoding="utf-8")
    before = report.read_bytes()
    with pytest.raises(ValueError, match="also an input"):
        predict_files(StopsAfter(99), str(report), report, output_format)
    assert report.read_bytes() == before
    (tmp_path / "old.csv").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match="inside the input directory"):  # a rerun would read it back
        predict_files(StopsAfter(99), str(tmp_path), tmp_path / "out.jsonl", output_format)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "old.csv"]


def test_model_directory_files_are_replaced_whole_or_not_at_all(tmp_path):
    from govner.data.spans import Document
    from govner.model.model_dir import ModelDir

    class Exploding(list):
        def __iter__(self):
            raise Interrupted

    model_dir = ModelDir(tmp_path)
    model_dir.write_splits({"dev": [Document("0", "乙", [], "b.txt", "x")]})
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(Interrupted):
        model_dir.write_splits(
            {"dev": [Document("1", "甲", [], "a.txt", "x"), Document("2", "丙", Exploding(), "c", "x")]}
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before)  # no temporary file left
    assert (tmp_path / "split-dev.jsonl").read_bytes() == before["split-dev.jsonl"]  # not half-written
