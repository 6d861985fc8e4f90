"""What an installed package needs besides the code: the configs and the HTML report's templates
ship inside the wheel, and the console command lists every entry point (``pip install .`` works
outside the checkout)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from conftest import ROOT

from govner.cli.main import COMMANDS


def test_the_wheel_ships_the_configs_and_the_console_command(tmp_path):
    source = tmp_path / "source"  # a copy: the build leaves its build/ folder there, not in the checkout
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheel_cmd = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(tmp_path),
    ]
    subprocess.run([*wheel_cmd, "."], cwd=source, check=True, capture_output=True)
    (wheel,) = tmp_path.glob("govner-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(zf.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    configs = {n.removeprefix("govner/configs/") for n in names if n.startswith("govner/configs/")}
    config_dir = ROOT / "src" / "govner" / "configs"
    shipped = {p.relative_to(config_dir).as_posix() for p in config_dir.rglob("*.yaml")}
    assert shipped and shipped <= configs
    templates = {p.name for p in (ROOT / "src" / "govner" / "inference" / "templates").iterdir()}
    assert templates and {f"govner/inference/templates/{t}" for t in templates} <= names  # the HTML report's
    assert "govner = govner.cli.main:main" in entry_points


def test_every_command_has_a_module_with_main_and_a_script():
    for name, (module, _) in COMMANDS.items():
        assert callable(__import__(f"govner.cli.{module}", fromlist=["main"]).main), name
        assert (ROOT / "scripts" / f"{module}.py").exists(), name


def test_govner_help_runs_outside_the_checkout(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "govner.cli.main", "--help"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert all(name in proc.stdout for name in COMMANDS)
