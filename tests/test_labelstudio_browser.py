"""The annotator's day in a real browser (marker ``browser``): headless Chromium, driven by Selenium,
against the real Label Studio server the README starts (``scripts/labelstudio.sh``).

A pre-annotated task is pushed as ``govner ls-push`` pushes it (one span deliberately mislabeled);
the annotator logs in, opens the project, clicks **Label All Tasks**, closes the labeling
instructions, sees the report name in the header and the sentence in the first screen with the
model's spans on it, relabels the wrong span with its hotkey (``configs/label_schema.yaml``) and
submits; ``govner ls-pull`` then brings back exactly that annotation.

On failure the screenshot and page source of the failing step are saved under
``$BROWSER_ARTIFACTS`` (else the test's tmp dir) and named in the failure. With
``GOVNER_SCREENSHOTS=DIR`` the labeling screen is also saved as PNGs in ``DIR`` (docs/ holds them).
Skips, saying why, without Chromium, chromedriver or Selenium.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT
from omegaconf import OmegaConf

from govner.data.labelstudio_format import read_export
from govner.data.spans import Span
from govner.data.validation import validate_tasks
from govner.inference.predictor import DocumentPrediction, Entity
from govner.labelstudio.connection import ensure_project
from govner.labelstudio.interface import labeling_config, labeling_instructions
from govner.labelstudio.push import push_units
from govner.labelstudio.tasks import Unit, uncertainty
from govner.paths import CONFIG_DIR

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]

SCHEMA = OmegaConf.load(Path(CONFIG_DIR) / "label_schema.yaml")
PUSH = OmegaConf.load(Path(CONFIG_DIR) / "ls_push.yaml")
LABELS = tuple(SCHEMA.labels)
TEXT = "全年地区生产总值717.11亿元，增长3.0%（牵头单位：区教育局）。"
REPORT = "city_2024/三亚.txt"
# The default model's spans for TEXT, except the last: ORG mislabeled, for the annotator to fix.
PREDICTED = [
    ("地区生产总值", "INDICATOR"),
    ("717.11", "QUANTITY"),
    ("亿元", "UNIT"),
    ("3.0", "QUANTITY"),
    ("%", "UNIT"),
]
WRONG, RIGHT = ("区教育局", "INDICATOR"), ("区教育局", "ORG")
WAIT = 60  # seconds for any one step in the browser
REGIONS = ".lsf-htx-richtext span.htx-highlight"


def _find(*names: str, env: str) -> str | None:
    if os.environ.get(env):
        return os.environ[env]
    return next((path for path in map(shutil.which, names) if path), None)


CHROMIUM = _find("chromium", "chromium-browser", "google-chrome", env="CHROME_BIN")
CHROMEDRIVER = _find("chromedriver", env="CHROMEDRIVER")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "no Chromium or chromedriver (apt-get install chromium chromium-driver fonts-noto-cjk; "
        "or set CHROME_BIN and CHROMEDRIVER)",
        allow_module_level=True,
    )


class StubTagger:
    """The spans of PREDICTED plus WRONG, as the model would give them."""

    def predict(self, texts):
        entities = [Entity(TEXT.index(s), TEXT.index(s) + len(s), label, s, 0.9) for s, label in [*PREDICTED, WRONG]]
        return [DocumentPrediction(entities, mean_score=0.9, min_score=0.42) for _ in texts]


def spans(pairs) -> list[Span]:
    return sorted(Span(TEXT.index(s), TEXT.index(s) + len(s), label) for s, label in pairs)


@pytest.fixture
def artifacts(tmp_path) -> Path:
    return Path(os.environ.get("BROWSER_ARTIFACTS") or tmp_path / "browser")


@pytest.fixture
def browser() -> Iterator:
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768"):
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    try:
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    except WebDriverException as err:
        pytest.fail(f"Chromium ({CHROMIUM}) with {CHROMEDRIVER} did not start: {err.msg}")
    try:
        yield driver
    finally:
        driver.quit()


@contextmanager
def step(driver, name: str, artifacts: Path):
    """Run one step of the day; on failure, keep its screenshot and page source and say where."""
    try:
        yield
    except Exception as err:
        artifacts.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(artifacts / f"{name}.png"))
        (artifacts / f"{name}.html").write_text(driver.page_source, encoding="utf-8")
        err.add_note(f"browser step {name!r} failed at {driver.current_url}; screenshot and page source: {artifacts}")
        raise


def screenshot(driver, name: str) -> None:
    """``$GOVNER_SCREENSHOTS/<name>.png``, when asked for."""
    directory = os.environ.get("GOVNER_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(directory) / f"{name}.png"))


def regions(driver) -> list[tuple[str, str]]:
    """The highlighted spans of the text, as (text, label)."""
    return [
        (r.text, r.get_attribute("data-label").split(":", 1)[1]) for r in driver.find_elements(By.CSS_SELECTOR, REGIONS)
    ]


def in_viewport(driver, element) -> bool:
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;",
        element,
    )


@pytest.fixture
def project(labelstudio_server):
    """The project with one pre-annotated task, pushed as ``govner ls-push`` pushes it."""
    client = labelstudio_server.client
    guide = PUSH.instructions
    instructions = labeling_instructions(LABELS, SCHEMA.label_style, guide.hints, guide.rules)
    project = ensure_project(
        client, "govner browser", labeling_config(LABELS, SCHEMA.label_style), LABELS, instructions
    )
    report = push_units(client, project.id, [Unit(TEXT, REPORT, 287)], StubTagger(), "default@test")
    client.projects.update(id=project.id, model_version="default@test")
    assert report.pushed == 1
    return project


def test_an_annotator_corrects_a_pre_annotation_in_the_browser_and_pull_brings_it_back(
    labelstudio_server, project, browser, artifacts, tmp_path
):
    url, wait = labelstudio_server.url, WebDriverWait(browser, WAIT)
    with step(browser, "login", artifacts):
        browser.get(f"{url}/user/login")
        wait.until(EC.presence_of_element_located((By.NAME, "email"))).send_keys(labelstudio_server.username)
        browser.find_element(By.NAME, "password").send_keys(labelstudio_server.password)
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(lambda d: "/user/login" not in d.current_url)
    with step(browser, "label_all_tasks", artifacts):
        browser.get(f"{url}/projects/{project.id}/data")
        wait.until(EC.element_to_be_clickable((By.XPATH, "//button[contains(., 'Label All Tasks')]"))).click()
    with step(browser, "instructions", artifacts):
        modal = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".lsf-modal-ls_visible")))
        assert "Labeling Instructions" in modal.text and "annotations/GUIDELINES.md" in modal.text
        screenshot(browser, "labelstudio_instructions")
        modal.find_element(By.CSS_SELECTOR, "button[aria-label='Close modal']").click()
        wait.until(EC.invisibility_of_element_located((By.CSS_SELECTOR, ".lsf-modal-ls_visible")))
    with step(browser, "first_screen", artifacts):
        text = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".lsf-htx-richtext")))
        header = browser.find_element(By.CSS_SELECTOR, ".lsf-main-view__annotation h4")
        assert header.text == REPORT  # the report's name, not the task as JSON
        assert text.text == TEXT
        assert in_viewport(browser, text), "the sentence is not in the first screen"
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, REGIONS)) == len(PREDICTED) + 1)
        assert sorted(regions(browser)) == sorted([*PREDICTED, WRONG])
        screenshot(browser, "labelstudio_labeling")
    with step(browser, "relabel", artifacts):
        wrong = next(r for r in browser.find_elements(By.CSS_SELECTOR, REGIONS) if r.text == WRONG[0])
        wrong.click()
        ActionChains(browser).send_keys(str(SCHEMA.label_style[RIGHT[1]].hotkey)).perform()
        wait.until(lambda d: sorted(regions(d)) == sorted([*PREDICTED, RIGHT]))
        screenshot(browser, "labelstudio_relabeled")
    with step(browser, "submit", artifacts):
        browser.find_element(By.XPATH, "//button[normalize-space(.)='Submit']").click()
        (task,) = labelstudio_server.client.tasks.list(project=project.id, fields="task_only")
        deadline = time.monotonic() + WAIT
        while not labelstudio_server.client.tasks.get(id=task.id).total_annotations:
            assert time.monotonic() < deadline, "no annotation reached the server after Submit"
            time.sleep(0.5)

    output = tmp_path / "pulled.json"
    pull = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "ls_pull.py"), "project='govner browser'", f"output={output}"],
        capture_output=True, text=True, cwd=ROOT, env=labelstudio_server.env(), timeout=300,
    )  # fmt: skip
    assert pull.returncode == 0, pull.stdout + pull.stderr
    (pulled,) = json.loads(output.read_text(encoding="utf-8"))
    expected_uncertainty = uncertainty(StubTagger().predict([TEXT])[0])
    assert pulled["data"] == {"text": TEXT, "report": REPORT, "offset": 287, "uncertainty": expected_uncertainty}
    docs, _ = validate_tasks(read_export(output), LABELS)
    assert [(d.source, d.text, d.spans) for d in docs] == [(REPORT, TEXT, spans([*PREDICTED, RIGHT]))]
