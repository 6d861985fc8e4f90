"""Hydra helpers shared by the entry points."""

from __future__ import annotations

from pathlib import Path

from omegaconf import OmegaConf

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = str(PROJECT_ROOT / "configs")


def register_resolvers() -> None:
    """``${project_root:}`` resolves to the repository root, so relative paths in configs do
    not depend on the directory a script is started from."""
    if not OmegaConf.has_resolver("project_root"):
        OmegaConf.register_new_resolver("project_root", lambda: str(PROJECT_ROOT))
