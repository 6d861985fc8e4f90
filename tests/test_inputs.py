from govner.inference.inputs import InputDocument, InputFailure, read_documents, resolve_inputs


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
        "mixed.jsonl:2": "invalid JSON: Expecting property name enclosed in double quotes",
        "mixed.jsonl:3": 'expected an object with a non-empty "text"',
    }
    assert [d.text for d in items if isinstance(d, InputDocument)] == ["增长3%", "甲"]


def test_bom_is_not_part_of_the_text(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeff增长".encode())
    assert collect([tmp_path / "bom.txt"])[0].text == "增长"


def test_nothing_found_is_an_error(tmp_path):
    import pytest

    with pytest.raises(FileNotFoundError, match="no input file found"):
        resolve_inputs(tmp_path / "*.txt")
