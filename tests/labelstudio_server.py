"""A real Label Studio server for integration tests (marker ``labelstudio``).

The session fixture ``labelstudio_server`` starts ``label-studio`` as the README does, with
``scripts/labelstudio.sh``, on 127.0.0.1 (a free port) with a temporary data directory and one
user with a password and a legacy API token, and yields a :class:`LabelStudioServer` (``url``,
``api_key``, a ready ``client``, the login). The server's process
group is always stopped at the end of the session, whatever happened in the tests.

The executable is ``$LABEL_STUDIO_BIN``, else ``.venv-labelstudio/bin/label-studio`` (made by
``scripts/setup_labelstudio.sh``), else ``label-studio`` on the PATH; without one the tests skip.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from label_studio_sdk import LabelStudio

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 300  # seconds: the first start migrates a fresh database
USER = "annotator@example.com"
START_SCRIPT = ROOT / "scripts" / "labelstudio.sh"


@dataclass
class LabelStudioServer:
    url: str
    api_key: str  # legacy token of the user: ``Authorization: Token <api_key>``
    client: LabelStudio
    data_dir: Path
    log: Path
    username: str  # the login, for a browser
    password: str

    def env(self) -> dict[str, str]:
        """The environment the project's scripts read the server from."""
        return {**os.environ, "LABEL_STUDIO_URL": self.url, "LABEL_STUDIO_API_KEY": self.api_key}


def label_studio_executable() -> str | None:
    override = os.environ.get("LABEL_STUDIO_BIN")
    if override:
        return override
    local = ROOT / ".venv-labelstudio" / "bin" / "label-studio"
    return str(local) if local.exists() else shutil.which("label-studio")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, api_key: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"label-studio exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            response = httpx.get(f"{url}/api/projects", headers={"Authorization": f"Token {api_key}"}, timeout=5)
            if response.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise RuntimeError(f"label-studio did not answer within {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group, SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def labelstudio_server(tmp_path_factory) -> Iterator[LabelStudioServer]:
    executable = label_studio_executable()
    if executable is None:
        pytest.skip("label-studio is not installed: run scripts/setup_labelstudio.sh or set LABEL_STUDIO_BIN")
    data_dir = tmp_path_factory.mktemp("labelstudio")
    port, api_key, password = _free_port(), secrets.token_hex(20), secrets.token_hex(12)
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "LABEL_STUDIO_BIN": executable,
        "LABEL_STUDIO_USERNAME": USER,
        "LABEL_STUDIO_PASSWORD": password,
        "LABEL_STUDIO_API_KEY": api_key,
    }
    # the README's way: scripts/labelstudio.sh binds 127.0.0.1, keeps Sentry and analytics off and
    # lets projects connect an ML backend on 127.0.0.1
    command = ["bash", str(START_SCRIPT), "--data-dir", str(data_dir), "--port", str(port), "--log-level", "WARNING"]
    log = data_dir / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            command,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
    try:
        try:
            _wait_until_up(url, api_key, process, log)
        except RuntimeError as err:
            pytest.fail(str(err))
        yield LabelStudioServer(url, api_key, LabelStudio(base_url=url, api_key=api_key), data_dir, log, USER, password)
    finally:
        _stop(process)
