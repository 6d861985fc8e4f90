#!/usr/bin/env bash
# Create .venv and install govner with its dev and onnx extras. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# torch is pinned to the CPU build; installing it first keeps pip from pulling CUDA wheels.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[dev,onnx]"
echo "govner installed in .venv ($(.venv/bin/python -c 'import govner, torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'))"
