"""Where things are: the Hydra configs shipped inside the package, and the project directory that
relative paths in them start from (the checkout when govner runs from one, else
``$GOVNER_PROJECT_ROOT`` or the working directory of an installed package)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG_DIR = str(PACKAGE_DIR / "configs")


def _project_root() -> Path:
    if os.environ.get("GOVNER_PROJECT_ROOT"):
        return Path(os.environ["GOVNER_PROJECT_ROOT"]).resolve()
    checkout = PACKAGE_DIR.parents[1]  # src/govner → the repository root
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "govner").is_dir():
        return checkout
    return Path.cwd()


PROJECT_ROOT = _project_root()


def register_resolvers() -> None:
    """``${project_root:}`` in the configs resolves to :data:`PROJECT_ROOT`, so relative paths do
    not depend on the directory a command is started from."""
    from omegaconf import OmegaConf

    if not OmegaConf.has_resolver("project_root"):
        OmegaConf.register_new_resolver("project_root", lambda: str(PROJECT_ROOT))
