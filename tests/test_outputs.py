import csv
import json

from govner.inference.inputs import InputDocument
from govner.inference.predictor import DocumentPrediction, Entity
from govner.inference.writers import RECORD_COLUMNS, make_writer


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
