"""Every expected problem reaches the user as one message: the real commands run as subprocesses
(``python -m govner.cli.main``, what the ``govner`` console command runs) and must print the
message on stderr, exit with status 1, and show no stack trace unless asked (``--debug``,
``HYDRA_FULL_ERROR=1``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, untrained_model_dir, write_json

from govner.errors import GovnerError


def govner(*args: str, debug_env: bool = False, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    if debug_env:
        env["HYDRA_FULL_ERROR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "govner.cli.main", *args],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
    )  # fmt: skip


def fails_cleanly(proc: subprocess.CompletedProcess, *phrases: str) -> str:
    """The stderr of a command that failed as a user should see it fail."""
    assert proc.returncode == 1, f"exit {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    for phrase in phrases:
        assert phrase in proc.stderr, f"{phrase!r} not in:\n{proc.stderr[-3000:]}"
    return proc.stderr


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return untrained_model_dir(tmp_path_factory.mktemp("model"))


def test_project_errors_are_one_type():
    from govner.data.labelstudio_format import ExportFormatError
    from govner.data.validation import DataValidationError
    from govner.labelstudio.connection import LabelStudioSetupError
    from govner.labelstudio.ml_backend import LabelingConfigError
    from govner.records.gold import GoldRecordError

    for error in (ExportFormatError, DataValidationError, GoldRecordError, LabelStudioSetupError, LabelingConfigError):
        assert issubclass(error, GovnerError), error


def test_missing_input_is_a_message_not_a_traceback(model_dir, tmp_path):
    proc = govner("predict", f"model_dir={model_dir}", "input=missing.jsonl", f"output={tmp_path / 'o.jsonl'}")
    fails_cleanly(proc, "missing.jsonl: no input file found")


def test_debug_shows_the_stack(model_dir, tmp_path):
    proc = govner("--debug", "predict", f"model_dir={model_dir}", "input=missing.jsonl", f"output={tmp_path / 'o'}")
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "missing.jsonl: no input file found" in proc.stderr


@pytest.mark.slow
def test_hydra_full_error_shows_the_stack(model_dir, tmp_path):
    proc = govner(
        "predict", f"model_dir={model_dir}", "input=missing.jsonl", f"output={tmp_path / 'o'}", debug_env=True
    )
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "missing.jsonl: no input file found" in proc.stderr


@pytest.mark.slow
def test_unwritable_output_names_the_path(model_dir, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("全年地区生产总值717.11亿元。", encoding="utf-8")
    taken = tmp_path / "taken"
    taken.mkdir()
    proc = govner("predict", f"model_dir={model_dir}", f"input={report}", f"output={taken}")
    fails_cleanly(proc, str(taken))


@pytest.mark.slow
def test_an_unknown_option_lists_the_allowed_values(model_dir, tmp_path):
    proc = govner("predict", f"model_dir={model_dir}", "input=x.txt", "decoding=vitrebi")
    fails_cleanly(proc, "vitrebi", "argmax, viterbi")


@pytest.mark.slow
def test_a_required_option_left_out_is_named(model_dir, tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("全年地区生产总值717.11亿元。", encoding="utf-8")
    proc = govner("predict", f"model_dir={model_dir}", f"input={report}")
    fails_cleanly(proc, "output has no value: give it on the command line (output=...)")


def test_an_unquoted_chinese_path_says_how_to_quote_it(model_dir, tmp_path):
    report = tmp_path / "报告.txt"
    proc = govner("predict", f"model_dir={model_dir}", f"input={report}", f"output={tmp_path / 'o.jsonl'}")
    fails_cleanly(proc, f"input=\"'{report}'\"")


@pytest.mark.slow
def test_the_same_override_twice_is_used_once_and_said_so(model_dir, tmp_path):
    proc = govner("predict", f"model_dir={model_dir}", "input=missing.jsonl", "input=missing.jsonl", "output=o.jsonl")
    fails_cleanly(proc, "input=missing.jsonl is given twice; used once", "missing.jsonl: no input file found")


def test_overrides_are_checked_before_hydra_reads_them(capsys):
    from govner.cli.boundary import check_overrides

    check_overrides(["input=a.txt", "--cfg", "job", "-m", "trainer.learning_rate=1e-3,3e-4", "data.path='报告.txt'"])
    check_overrides(["input=a.txt", "input=a.txt"])
    assert "note: input=a.txt is given twice; used once" in capsys.readouterr().err
    with pytest.raises(GovnerError, match="input is given twice, as 'a.txt' and 'b.txt': give it once"):
        check_overrides(["input=a.txt", "input=b.txt"])
    with pytest.raises(GovnerError, match="cannot read the override 'input=a b]'"):
        check_overrides(["input=a b]"])


def test_argparse_commands_fail_cleanly_too(tmp_path):
    fails_cleanly(govner("check-annotations", str(tmp_path / "nope.json")), "nope.json: no such export file")
    bad = tmp_path / "broken.json"
    bad.write_text('[{"data": {"text": "x"}', encoding="utf-8")
    proc = govner("check-annotations", str(bad), "--no-readme")  # its report goes to stdout
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"ERROR {bad}: unreadable: invalid JSON at line 1" in proc.stdout


@pytest.mark.slow
def test_a_validation_error_in_training_is_a_message(tmp_path):
    data = write_json(tmp_path / "export.json", {"tasks": []})
    proc = govner("train", f"data.path={data}", f"hydra.run.dir={tmp_path / 'run'}", "model=tiny", "trainer=smoke")
    fails_cleanly(proc, "export.json: expected a list of tasks, got an object")


@pytest.mark.slow
def test_training_on_tasks_with_the_text_under_another_field_says_so(tmp_path):
    tasks = [
        {"id": i, "data": {"report": f"第{i}句增长3%。", "source": f"r{i}.txt"}, "annotations": []} for i in range(4)
    ]
    data = write_json(tmp_path / "export.json", tasks)
    proc = govner("train", f"data.path={data}", f"hydra.run.dir={tmp_path / 'run'}", "model=tiny", "trainer=smoke")
    fails_cleanly(proc, "4 tasks read, 0 used", "no text in data.text; the task has fields report")


# -- model directories -------------------------------------------------------------------------


def broken_copy(model_dir: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(model_dir, copy)
    return copy


@pytest.mark.parametrize(
    ("damage", "phrase"),
    [
        (lambda d: (d / "model.safetensors").unlink(), "model.safetensors"),
        (lambda d: (d / "model.safetensors").write_bytes(b"\0" * 100), "model.safetensors"),
        (lambda d: (d / "govner.json").write_text("{", encoding="utf-8"), "govner.json"),
        (lambda d: (d / "config.json").unlink(), "config.json"),
        (lambda d: (d / "label_map.json").write_text("[]", encoding="utf-8"), "label_map.json"),
        (lambda d: (d / "tokenizer.json").unlink(), "tokenizer"),
    ],
    ids=["no-weights", "damaged-weights", "damaged-settings", "no-config", "damaged-label-map", "no-tokenizer"],
)
def test_a_damaged_model_directory_names_the_directory_and_the_file(model_dir, tmp_path, damage, phrase):
    from govner.inference.predictor import Predictor

    broken = broken_copy(model_dir, tmp_path, "broken-model")
    damage(broken)
    with pytest.raises(GovnerError) as caught:
        Predictor.from_dir(broken)
    message = str(caught.value)
    assert str(broken) in message and phrase in message and "model_dir=" in message, message


def test_a_missing_model_directory_is_a_message(tmp_path):
    proc = govner("predict", f"model_dir={tmp_path / 'nope'}", "input=x.txt")
    fails_cleanly(proc, str(tmp_path / "nope"), "govner train")



@pytest.mark.parametrize(
    ("modes", "phrases"),
    [("[viterbi]", ["lacks 'argmax'", "modes=[argmax,viterbi]"]), ("[argmax,beam+onnx]", ["'beam+onnx'", "+int8"])],
    ids=["no-argmax", "unknown-mode"],
)
def test_bench_inference_names_a_wrong_mode(tmp_path, modes, phrases):
    proc = govner("bench-inference", f"model_dir={tmp_path}", f"modes={modes}", f"corpus={tmp_path}")
    fails_cleanly(proc, "bench-inference", *phrases)


# -- Label Studio ------------------------------------------------------------------------------


def closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free, and nothing listens once the socket is closed


@pytest.mark.parametrize(
    ("url", "phrases"),
    [
        (f"http://127.0.0.1:{closed_port()}", ("cannot reach Label Studio at http://127.0.0.1:", "scripts/labelstudio.sh")),
        ("localhost:8080", ("LABEL_STUDIO_URL='localhost:8080' has no scheme", "http://localhost:8080")),
    ],
    ids=["closed-port", "no-scheme"],
)
def test_label_studio_setup_problems_say_what_to_do(monkeypatch, url, phrases):
    from govner.labelstudio.connection import LabelStudioSetupError, connect

    monkeypatch.setenv("LABEL_STUDIO_URL", url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "0123456789abcdef")
    with pytest.raises(LabelStudioSetupError) as caught:
        connect()
    for phrase in phrases:
        assert phrase in str(caught.value), str(caught.value)
