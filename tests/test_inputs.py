from pathlib import Path

import pytest

from govner.inference.inputs import (
    InputDocument,
    InputError,
    InputFailure,
    check_outputs,
    find_inputs,
    read_documents,
    resolve_inputs,
)


def collect(paths):
    return [item for p in paths for item in read_documents(p)]


def test_txt_jsonl_directory_and_glob(tmp_path):
    (tmp_path / "a.txt").write_text("全年增长3%。", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.jsonl").write_text(
        '{"id": "x1", "text": "甲"}\n\n{"id": "x2", "text": "乙"}\n', encoding="utf-8"
    )
    (tmp_path / "ignored.csv").write_text("x", encoding="utf-8")
    items = collect(resolve_inputs(tmp_path))
    assert [(d.id, d.text) for d in items] == [("a", "全年增长3%。"), ("x1", "甲"), ("x2", "乙")]
    assert [(Path(f.source).name, f.reason) for f in find_inputs(tmp_path).skipped] == [
        ("ignored.csv", "not a report file (.csv; expected .txt or .jsonl)")
    ]
    assert [p.name for p in resolve_inputs(str(tmp_path / "*.txt"))] == ["a.txt"]


def test_bad_files_and_lines_are_reported_and_the_rest_continue(tmp_path):
    (tmp_path / "bad.txt").write_bytes("增长".encode("gbk"))
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "good.txt").write_text("增长3%", encoding="utf-8")
    (tmp_path / "mixed.jsonl").write_text('{"id": 1, "text": "甲"}\n{oops\n{"id": 3}\n', encoding="utf-8")
    items = collect(resolve_inputs(tmp_path))
    failures = {f.source.split("/")[-1]: f.reason for f in items if isinstance(f, InputFailure)}
    assert failures == {
        "bad.txt": "not UTF-8 (invalid byte at offset 0)",
        "empty.txt": "empty file",
        "mixed.jsonl:2": "invalid JSON at column 2: Expecting property name enclosed in double quotes",
        "mixed.jsonl:3": 'expected an object with a non-empty "text"',
    }
    assert [d.text for d in items if isinstance(d, InputDocument)] == ["增长3%", "甲"]


def test_bom_is_not_part_of_the_text(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeff增长".encode())
    assert collect([tmp_path / "bom.txt"])[0].text == "增长"


def test_nothing_found_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no input file found"):
        resolve_inputs(tmp_path / "*.txt")


def test_upper_case_extensions_are_read(tmp_path):
    (tmp_path / "A.TXT").write_text("甲", encoding="utf-8")
    (tmp_path / "B.JSONL").write_text('{"id": "b", "text": "乙"}\n', encoding="utf-8")
    items = collect(resolve_inputs(tmp_path))
    assert [(d.id, d.text) for d in items] == [("A", "甲"), ("b", "乙")]
    assert find_inputs(tmp_path).skipped == []


def test_line_separators_inside_json_strings_do_not_split_records(tmp_path):
    lines = [
        '{"id": "a", "text": "甲\u2028乙"}',
        '{"id": "b", "text": "丙\x85丁\u2029"}',
        "{oops",
        '{"id": "d", "text": "戊"}',
    ]
    (tmp_path / "r.jsonl").write_text("\r\n".join(lines) + "\n", encoding="utf-8")
    items = collect([tmp_path / "r.jsonl"])
    assert [(d.id, d.text) for d in items if isinstance(d, InputDocument)] == [
        ("a", "甲\u2028乙"),
        ("b", "丙\x85丁\u2029"),
        ("d", "戊"),
    ]
    assert [f.source.split("/")[-1] for f in items if isinstance(f, InputFailure)] == ["r.jsonl:3"]


def test_a_lone_surrogate_is_reported_with_its_line_and_the_rest_goes_on(tmp_path):
    content = '{"id": "a", "text": "甲"}\n{"id": "b", "text": "cut \\ud83d in half"}\n{"id": "c", "text": "乙"}\n'
    (tmp_path / "r.jsonl").write_text(content, encoding="utf-8")
    items = collect([tmp_path / "r.jsonl"])
    assert [d.id for d in items if isinstance(d, InputDocument)] == ["a", "c"]
    [failure] = [f for f in items if isinstance(f, InputFailure)]
    assert failure.source.endswith("r.jsonl:2") and "lone surrogate U+D83D at character 4" in failure.reason
    (tmp_path / "cut.txt").write_bytes(b"\xed\xa0\xbd")  # the same surrogate, UTF-8-encoded: not UTF-8
    [failure] = collect([tmp_path / "cut.txt"])
    assert failure.reason == "not UTF-8 (invalid byte at offset 0)"


def test_a_file_of_nul_and_control_bytes_is_not_a_report(tmp_path):
    (tmp_path / "blob.txt").write_bytes(bytes(range(0, 9)) * 20)
    (tmp_path / "ctrl.txt").write_bytes(b"\x01\x02\x03\x1b[0m" * 10)
    (tmp_path / "report.txt").write_text("增长\f3%\t。\n", encoding="utf-8")  # form feed and tab are text
    (tmp_path / "r.jsonl").write_text('{"id": "n", "text": "\\u0000\\u0000"}\n', encoding="utf-8")
    items = {Path(i.source).name: i for p in resolve_inputs(tmp_path) for i in read_documents(p)}
    assert items["blob.txt"].reason == "not a text report: 20 NUL character(s) (a binary file?)"
    assert items["ctrl.txt"].reason == "not a text report: 40 control characters in 70 (a binary file?)"
    assert items["r.jsonl:1"].reason.startswith('"text": not a text report')
    assert isinstance(items["report.txt"], InputDocument)


def test_an_output_that_is_an_input_is_refused(tmp_path):
    report = tmp_path / "in" / "a.jsonl"
    report.parent.mkdir()
    report.write_text('{"text": "甲"}\n', encoding="utf-8")
    for spec in (report, report.parent, tmp_path / "in" / "*.jsonl"):
        with pytest.raises(InputError, match="also an input"):
            check_outputs(spec, resolve_inputs(spec), [report])
    with pytest.raises(InputError, match="inside the input directory"):
        check_outputs(report.parent, resolve_inputs(report.parent), [tmp_path / "in" / "sub" / "out.jsonl"])
    with pytest.raises(InputError, match="matches the input pattern"):
        check_outputs(tmp_path / "in" / "*.jsonl", [report], [tmp_path / "in" / "out.jsonl"])
    check_outputs(report.parent, [report], [tmp_path / "out.jsonl"])  # beside it: fine


def test_a_previous_prediction_output_is_not_read_as_a_report(tmp_path):
    (tmp_path / "old.jsonl").write_text('{"id": "a", "source": "a.txt", "entities": []}\n', encoding="utf-8")
    [failure] = collect([tmp_path / "old.jsonl"])
    assert failure.reason == "a govner prediction output (entities, no text), not a report"
