"""Soak: run notebooks 02, 04 and 06 again and again in JupyterLab, and never find an empty or
stale live view (`make soak`; not part of `make test`, which it would make slow).

Each round opens each notebook in a fresh kernel and page, runs all cells, and checks every live
view: drawn (data-drawn), every figure holding traces, the drawn setting the one its controls
show; then moves its first slider one step and checks the view draws the new setting. Every
other round runs all cells a second time at once, while the first run's views are still coming
up (their models closed under them), and checks again. Nothing is reopened or retried: the first
empty or stale view stops the run with what it found.

    python tests/browser/soak.py [ROUNDS]   (default 20)
"""

import sys
import tempfile
import time
from pathlib import Path

from labdriver import (
    CHROMIUM_ARGS,
    KERNEL_IDLE,
    ROOT,
    RUN_ALL,
    chromium_path,
    jupyter_lab,
    opened_notebook,
    problems,
    wait_run_all,
)
from playwright.sync_api import sync_playwright

NAMES = ("02-vanishing-gradients", "04-gradient-clipping", "06-gated-units")
NOTEBOOKS = [ROOT / "notebooks" / f"{name}.ipynb" for name in NAMES]
CHECK = """() => [...document.querySelectorAll('.rnnviz-view')].map((v) => ({
  drawn: Number(v.dataset.drawn || 0),
  traces: [...v.querySelectorAll('.rnnviz-live-plot')].map((p) => (p._fullData || []).length),
  stale: !!v.dataset.asked && v.dataset.asked !== v.dataset.setting,
  title: v.querySelector('.gtitle')?.textContent ?? null,
}))"""
SETTLED = "(v) => !v.dataset.asked || v.dataset.asked === v.dataset.setting"


LAST_COUNT = """() => Math.max(...window.jupyterapp.shell.currentWidget.content.widgets
  .filter((c) => c.model.type === 'code').map((c) => c.model.executionCount || 0))"""


def rerun(page):
    """Run all cells again and wait until the last one has run again and every view is drawn."""
    before = page.evaluate(LAST_COUNT)
    page.evaluate(RUN_ALL)
    page.wait_for_function(
        f"() => ({LAST_COUNT})() > {before} && ({KERNEL_IDLE})()", timeout=150_000, polling=200
    )
    wait_run_all(page)


def check(page, where):
    views = page.evaluate(CHECK)
    bad = [v for v in views if not v["drawn"] or 0 in v["traces"] or v["stale"]]
    bad += [{"problem": p} for p in problems(page)] + [{"js": e} for e in page.js_errors]
    if bad:
        raise SystemExit(f"{where}: empty, stale or failing: {bad}")
    return len(views)


def main(rounds=20):
    started, opened, views = time.monotonic(), 0, 0
    with sync_playwright() as p, tempfile.TemporaryDirectory() as work:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        with jupyter_lab(NOTEBOOKS, Path(work)) as lab:
            for r in range(1, rounds + 1):
                for nb in NOTEBOOKS:
                    where = f"round {r}, {nb.name}"
                    viewport = {"width": 1400, "height": 1000}
                    with opened_notebook(browser, lab, nb, viewport=viewport) as page:
                        views += check(page, where)
                        if r % 2 == 0:  # again, at once: the first run's views are replaced
                            rerun(page)
                            views += check(page, f"{where}, run again")
                        for view in page.locator(".rnnviz-view").all():
                            slider = view.locator("input[type=range]").first
                            if not slider.count():
                                continue
                            slider.scroll_into_view_if_needed()
                            slider.focus()
                            page.keyboard.press("ArrowLeft")
                            page.wait_for_function(SETTLED, arg=view.element_handle())
                        check(page, f"{where}, after moving a slider of each view")
                        opened += 1
                print(f"round {r}: {len(NOTEBOOKS)} notebooks, every view drawn and current "
                      f"({time.monotonic() - started:.0f} s)", flush=True)  # fmt: skip
        browser.close()
    print(f"soak: {opened} notebooks opened, {views} live views checked, none empty or stale")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
