#!/usr/bin/env bash
# Install the Label Studio server into its own venv (.venv-labelstudio): it pins many dependencies
# (Django, its own label-studio-sdk) that would clash with the project's. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
VERSION=${LABEL_STUDIO_VERSION:-1.23.2}
[ -x .venv-labelstudio/bin/python ] || "$PYTHON" -m venv .venv-labelstudio
.venv-labelstudio/bin/python -m pip install --quiet --upgrade pip
# sentry-sdk 3 drops options label-studio 1.23 passes (`TypeError: Unknown option 'send_default_pii'` at start)
.venv-labelstudio/bin/python -m pip install --quiet "label-studio==$VERSION" 'sentry-sdk>=2.16,<3'
echo "label-studio $VERSION installed: $(pwd)/.venv-labelstudio/bin/label-studio (start it: bash scripts/labelstudio.sh)"
