"""Fixtures for the browser tests: one JupyterLab server and one headless Chromium per session.

Without Chromium (or Playwright) the tests are skipped locally, with the reason, and fail when
the environment variable CI is set: CI must run them.
"""

import functools
import http.server
import os
import sys
import threading
from pathlib import Path

import pytest
from labdriver import (
    CHROMIUM_ARGS,
    LIVE_VIEWS,
    chromium_path,
    jupyter_lab,
    opened_notebook,
    widget_notebooks,
)

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"


def _missing(reason):
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; the browser tests must run when CI is set", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    path = chromium_path()
    if path is None:
        _missing("Chromium not found (/usr/bin/chromium or on PATH; `make browser` installs it)")
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory):
    with jupyter_lab([*widget_notebooks(), LIVE_VIEWS], tmp_path_factory.mktemp("lab")) as lab:
        yield lab


@pytest.fixture(scope="module", params=widget_notebooks(), ids=lambda path: path.name)
def notebook_page(request, browser, lab):
    """A page with one notebook open in a fresh kernel and all its cells run.

    The tests of a module share it, in order: each notebook runs once. Notebooks run one after
    the other, each in its own browser context: two JupyterLab pages side by side slow each
    other down, and a page in the background gets no animation frames.
    """
    with opened_notebook(
        browser, lab, request.param, viewport={"width": 1400, "height": 1000}
    ) as page:
        yield page


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    """build/site (built first if out of date), served from 127.0.0.1 by a thread."""
    sys.path.insert(0, str(ROOT / "site"))
    from coursesite import build

    repository = os.environ.get("REPOSITORY") or None
    if not build.up_to_date(SITE, repository):
        build.build(SITE, repository)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
