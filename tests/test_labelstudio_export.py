import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import export_tasks, write_json
from labelstudio_server import label_studio_executable

from govner.data.dataset import DataSettings, SplitSettings, load_documents, prepare_data
from govner.data.labelstudio_format import ExportFormatError, export_files, read_export
from govner.data.validation import validate_tasks
from govner.labels import ENTITY_LABELS


def test_full_export_is_read_with_annotations_and_source(export_file):
    tasks = read_export(export_file)
    assert len(tasks) == len(export_tasks())
    first = tasks[0]
    assert first.id == 1 and first.source == "report_a.txt"
    assert first.text.startswith("全年地区生产总值")
    assert [r["value"]["text"] for r in first.annotations[0].result] == ["地区生产总值", "717.11", "亿元", "3.0", "%"]


def test_json_min_export_gives_the_same_documents(tmp_path, export_file):
    minimal = []
    for task in export_tasks():
        regions = [r["value"] for r in task["annotations"][0]["result"]]
        row = {"id": task["id"], "text": task["data"]["text"], "report": task["data"]["report"], "annotation_id": 1}
        if regions:
            row["label"] = regions
        minimal.append(row)
    min_file = write_json(tmp_path / "min" / "export_min.json", minimal)
    full_docs, _ = validate_tasks(read_export(export_file), ENTITY_LABELS)
    min_docs, report = validate_tasks(read_export(min_file), ENTITY_LABELS)
    assert report.used == len(full_docs)
    assert [(d.text, d.spans, d.source) for d in min_docs] == [(d.text, d.spans, d.source) for d in full_docs]


def test_directory_reads_every_json_file(tmp_path):
    tasks = export_tasks()
    write_json(tmp_path / "part1.json", tasks[:5])
    write_json(tmp_path / "sub" / "part2.json", tasks[5:])
    (tmp_path / "notes.txt").write_text("not an export", encoding="utf-8")
    assert [t.id for t in read_export(tmp_path)] == [t["id"] for t in tasks]


def test_invalid_json_names_file_and_line(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('[\n{"id": 1,\n "data": }\n]', encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"broken\.json: invalid JSON at line 3"):
        read_export(bad)


def test_non_task_items_are_rejected_with_position(tmp_path):
    bad = write_json(tmp_path / "weird.json", [{"id": 1, "data": {"text": "x"}}, 42])
    with pytest.raises(ExportFormatError, match=r"weird\.json: item 1 is int"):
        read_export(bad)


def test_missing_path_and_empty_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.json"):
        read_export(tmp_path / "nope.json")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportFormatError, match="no .json or .csv export files"):
        read_export(tmp_path / "empty")


def test_not_utf8_is_reported(tmp_path):
    bad = tmp_path / "latin.json"
    bad.write_bytes(json.dumps([{"id": 1, "data": {"text": "é"}}], ensure_ascii=False).encode("latin-1"))
    with pytest.raises(ExportFormatError, match="latin.json: not UTF-8"):
        read_export(bad)


def test_exports_from_before_data_report_are_read_and_said_once(tmp_path, export_file, caplog):
    """Tasks that name their report in data.source (the field before data.report) read the same."""
    old = []
    for task in export_tasks():
        data = dict(task["data"])
        data["source"] = data.pop("report")
        old.append(task | {"data": data})
    write_json(tmp_path / "old" / "a.json", old[:4])
    write_json(tmp_path / "old" / "b.json", old[4:])
    with caplog.at_level("INFO", logger="govner.data.labelstudio_format"):
        legacy = read_export(tmp_path / "old")
    notes = [r.getMessage() for r in caplog.records if "data.source" in r.getMessage()]
    assert len(notes) == 1 and f"{len(old)} of {len(old)} tasks" in notes[0]
    assert [(t.id, t.source, t.text) for t in legacy] == [(t.id, t.source, t.text) for t in read_export(export_file)]
    caplog.clear()
    with caplog.at_level("INFO", logger="govner.data.labelstudio_format"):
        read_export(export_file)
    assert not [r for r in caplog.records if "data.source" in r.getMessage()]

CSV_CONVERTER = """
import sys
from label_studio_sdk.converter import Converter

config = '<View><Labels name="label" toName="text"><Label value="QUANTITY"/></Labels><Text name="text" value="$text"/></View>'
Converter(config=config, project_dir=None).convert_to_csv(sys.argv[1], sys.argv[2], is_dir=False, sep=",")
"""


def _label_studio_csv(tasks: list[dict], tmp_path: Path) -> Path:
    """``tasks`` through Label Studio's own CSV export (its SDK's converter, in Label Studio's venv)."""
    executable = label_studio_executable()
    if executable is None:
        pytest.skip("label-studio is not installed: run scripts/setup_labelstudio.sh or set LABEL_STUDIO_BIN")
    python = Path(executable).parent / "python"
    source = write_json(tmp_path / "tasks.json", tasks)
    subprocess.run([str(python), "-c", CSV_CONVERTER, str(source), str(tmp_path / "csv")], check=True)
    return tmp_path / "csv" / "result.csv"


@pytest.mark.labelstudio
def test_label_studio_csv_export_gives_the_same_documents_as_json(tmp_path, export_file):
    csv_file = _label_studio_csv(export_tasks(), tmp_path)
    annotations = tmp_path / "annotations"
    annotations.mkdir()
    shutil.copy(csv_file, annotations / "EXPORT.CSV")  # any case
    json_docs, _ = validate_tasks(read_export(export_file), ENTITY_LABELS)
    csv_docs, report = validate_tasks(read_export(annotations), ENTITY_LABELS)
    assert report.used == len(json_docs)
    assert [(d.id, d.text, d.spans, d.source) for d in csv_docs] == [
        (d.id, d.text, d.spans, d.source) for d in json_docs
    ]


def test_a_csv_without_a_text_column_is_named(tmp_path):
    (tmp_path / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"table\.csv: CSV without a 'text' column \(columns: a, b\)"):
        read_export(tmp_path)


def test_upper_case_json_is_read_and_every_other_file_is_listed_as_skipped(tmp_path):
    tasks = export_tasks()
    write_json(tmp_path / "PART1.JSON", tasks[:5])
    write_json(tmp_path / "sub" / "part2.Json", tasks[5:])
    (tmp_path / "notes.md").write_text("not an export", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("not an export", encoding="utf-8")
    assert [t.id for t in read_export(tmp_path)] == [t["id"] for t in tasks]
    assert [(p.name, reason) for p, reason in export_files(tmp_path).skipped] == [
        ("LICENSE", "not a Label Studio export (no suffix; expected .json or .csv)"),
        ("notes.md", "not a Label Studio export (.md; expected .json or .csv)"),
    ]
    data = DataSettings(path=str(tmp_path), split=SplitSettings(dev_ratio=0.25, test_ratio=0.25))
    _, report = load_documents(data, ENTITY_LABELS)
    assert sorted(Path(p.origin).name for p in report.notes if p.kind == "skipped_file") == ["LICENSE", "notes.md"]


def test_a_lone_surrogate_in_an_export_skips_its_task_and_training_data_are_built(tmp_path):
    tasks = export_tasks()
    tasks[2]["data"]["text"] += "\ud83d"  # an emoji cut in half, after the spans: validation alone passes it
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")  # ASCII JSON: the surrogate as \\ud83d
    data = DataSettings(path=str(path), split=SplitSettings(dev_ratio=0.25, test_ratio=0.25))
    prepared = prepare_data(data, ENTITY_LABELS)  # builds the Arrow tables: no crash
    [problem] = prepared.report.skipped
    assert (problem.origin, problem.kind) == (f"{path}, task 3", "invalid_text")
    assert sum(len(docs) for docs in prepared.documents.values()) == len(tasks) - 1
