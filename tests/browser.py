"""A real headless Chromium (selenium) for the HTML report: the tests open pages in it, and it
takes the screenshot in docs/:

    python tests/browser.py out/report.html docs/html_report.png [--width 1400] [--height 2400] [--anchor doc-1]

``$CHROMIUM_BIN`` and ``$CHROMEDRIVER_BIN`` name the executables (default: chromium and
chromedriver on the PATH); without them, or without selenium, the tests skip."""

from __future__ import annotations

import argparse
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def browser_missing() -> str | None:
    """Why no headless browser can start here (None when one can)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[dev]')"
    for name, default in (("CHROMIUM_BIN", "chromium"), ("CHROMEDRIVER_BIN", "chromedriver")):
        if not shutil.which(os.environ.get(name, default)):
            return f"no {default} executable (set ${name})"
    return None


@contextmanager
def headless_chromium(width: int = 1400, height: int = 1000) -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which(os.environ.get("CHROMIUM_BIN", "chromium"))
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    service = Service(executable_path=shutil.which(os.environ.get("CHROMEDRIVER_BIN", "chromedriver")))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(page: Path, png: Path, width: int = 1400, height: int = 2400, anchor: str = "") -> None:
    """``page`` opened from disk (scrolled to ``#anchor``) and drawn at ``width`` × ``height`` CSS pixels into ``png``."""
    with headless_chromium(width, height) as driver:
        driver.get(page.resolve().as_uri() + (f"#{anchor}" if anchor else ""))
        driver.execute_script("return document.fonts.ready")
        png.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(png))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=2400)
    parser.add_argument("--anchor", default="", help="an element id to scroll to")
    args = parser.parse_args()
    screenshot(args.page, args.png, args.width, args.height, args.anchor)
    print(f"{args.png}: {args.page} at {args.width}x{args.height}")
