"""The inference benchmark on a tiny untrained model and a tiny corpus: it runs end to end, prints
its figures in the documented format and regenerates its docs section. Speeds are not asserted."""

import re
import subprocess
import sys

import pytest
from conftest import MARKED, ROOT, plain, untrained_model_dir

from govner.bench.inference import DOCS_END, DOCS_START, Mode, agreement, write_docs_section
from govner.errors import GovnerError


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return untrained_model_dir(tmp_path_factory.mktemp("tiny-model"))


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    for k in range(4):
        text = "\n".join(plain(m) for m, _ in MARKED[k::2]) * 3  # reports longer than the model's 64 tokens
        (corpus / f"report_{k}.txt").write_text(text, encoding="utf-8")
    return corpus


def test_benchmark_prints_its_figures_and_regenerates_the_docs(tiny_model, tiny_corpus, tmp_path):
    docs = tmp_path / "performance.md"
    docs.write_text(f"# Performance\n\nTraining part.\n\n{DOCS_START}\nold\n{DOCS_END}\n\nMore.\n", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench_inference.py"),
            f"model_dir={tiny_model}",
            f"corpus={tiny_corpus}",
            "sample_chars=500",
            "repeats=1",
            "modes=[argmax,argmax+int8,argmax+onnx]",
            "f1_split=null",
            "memory_files=[1]",
            f"memory_workdir={tmp_path / 'work'}",
            f"profile={tmp_path / 'profile.txt'}",
            f"docs={docs}",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert re.fullmatch(r"speedup: \d+\.\d\d", lines[-1])
    assert re.fullmatch(r"ceiling_fraction: \d+\.\d{3}", lines[-2])
    assert float(lines[-1].split()[1]) > 0 and float(lines[-2].split()[1]) > 0
    rows = {line.split("|")[1].strip(): line for line in lines if line.startswith("| ")}
    for name in ("baseline pipeline", "govner argmax", "govner argmax+int8", "govner argmax+onnx"):
        chars_per_second = float(rows[name].split("|")[2].replace(",", ""))
        assert chars_per_second > 0, rows[name]
    assert {name.split(":")[0] for name in rows if name.startswith("ceiling")} == {
        "ceiling fp32",
        "ceiling int8",
        "ceiling onnx fp32",
    }
    assert len(re.findall(r"memory: predict\.py .* peak RSS \d+ MiB", proc.stdout)) == 1
    text = docs.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n\nTraining part.") and text.rstrip().endswith("More.")
    assert "\nold\n" not in text and "| govner argmax |" in text and text.count(DOCS_START) == 1
    assert "What limits the speedup" in text and "- int8: govner argmax+int8 runs at" in text
    assert "- onnx fp32: govner argmax+onnx runs at" in text
    assert re.search(r"govner argmax\+onnx vs govner argmax: entity agreement 1\.0000", proc.stdout)
    assert re.search(r"fastest mode at equal output: govner argmax(\+onnx)? ", proc.stdout)
    assert "tottime" in (tmp_path / "profile.txt").read_text(encoding="utf-8")


def test_modes_parse_and_agreement_counts():
    assert Mode.parse("viterbi+int8") == Mode("viterbi", True) and Mode.parse("argmax").name == "argmax"
    assert Mode.parse("argmax+onnx+int8") == Mode("argmax", True, "onnx")
    assert Mode.parse("argmax+onnx").backend == "onnx fp32" and Mode.parse("argmax+onnx").equal_output
    assert not Mode.parse("viterbi+onnx").equal_output and not Mode.parse("argmax+int8").equal_output
    for bad in ("argmax+fp16", "argmax+int8+onnx", "beam"):
        with pytest.raises(GovnerError, match="is not a mode"):
            Mode.parse(bad)
    a, b = {(0, 0, 2, "UNIT"), (0, 3, 5, "ORG")}, {(0, 0, 2, "UNIT"), (1, 0, 1, "QUANTITY")}
    assert agreement(a, b) == {"both": 1, "reference_only": 1, "other_only": 1, "agreement": 0.5}


def test_docs_section_is_appended_when_the_file_has_none(tmp_path):
    path = tmp_path / "performance.md"
    path.write_text("# Performance\n\nTraining.\n", encoding="utf-8")
    write_docs_section(path, "new")
    assert path.read_text(encoding="utf-8") == f"# Performance\n\nTraining.\n\n{DOCS_START}\nnew\n{DOCS_END}\n"
