"""What the class sees: slider-to-redraw latency and animation frame rate, in a real browser.

Opens one notebook in JupyterLab in headless Chromium with two widgets: a trivial slider wired
to a 50-bar FigureWidget (the floor of this stack) and the GradientFlowExplorer. For each, the
time from a slider key press to the last change of its plot (and of the explorer's chain) is
measured in the page with a MutationObserver, alternating the two, N times. Then the explorer's
chain plays, and the intervals between its frames (one time step each) are measured.

Targets: explorer / trivial <= 0.6; animation >= 20 frames per second, steadily.

    .venv/bin/python benchmarks/bench_browser.py
"""

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))
from labdriver import (  # noqa: E402
    CHROMIUM_ARGS,
    chromium_path,
    frame_times,
    jupyter_lab,
    open_notebook,
    record_frames,
    run_all,
)

PRESSES = 15
TRIVIAL = """import ipywidgets as w
import numpy as np
import plotly.graph_objects as go

slider = w.IntSlider(0, min=0, max=100, description="trivial")
bars = go.FigureWidget(go.Bar(y=np.random.default_rng(0).random(50)))

def redraw(change):
    with bars.batch_update():
        bars.data[0].y = np.random.default_rng(change.new).random(50)

slider.observe(redraw, names="value")
w.VBox([slider, bars])"""
EXPLORER = "from rnnviz.widgets import GradientFlowExplorer\n\nGradientFlowExplorer()"

OBSERVE = """(roots) => {
  for (const o of window.benchObservers || []) o.disconnect();
  window.benchMutations = roots.map(() => []);
  window.benchObservers = roots.map((r, i) => {
    const o = new MutationObserver(() => window.benchMutations[i].push(performance.now()));
    o.observe(r, {subtree: true, childList: true, attributes: true, characterData: true});
    return o;
  });
}"""


def notebook(path):
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": source}
        for source in (TRIVIAL, EXPLORER)
    ]  # fmt: skip
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def redraw_times(page, handle, roots, timeout=10.0):
    """Milliseconds from the key press to the last change of each root (then quiet for 300 ms)."""
    page.evaluate(OBSERVE, roots)
    handle.focus()
    t0 = page.evaluate("() => performance.now()")
    page.keyboard.press("ArrowRight")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        marks, now = page.evaluate("() => [window.benchMutations, performance.now()]")
        if all(marks) and now - max(m[-1] for m in marks) > 300:
            return [m[-1] - t0 for m in marks]
        time.sleep(0.05)
    raise RuntimeError("the plot did not change after the key press")


def slider(output, label):
    """An ipywidgets slider (the trivial widget) or a live view's slider, by its label."""
    ipywidget = output.locator(".widget-slider", has_text=label).locator(".noUi-handle")
    if ipywidget.count():
        return ipywidget
    return output.locator(".rnnviz-control", has_text=label).locator("input")


def play(page, chain, speed):
    """Play the chain at `speed` steps per second; return the frame times (ms)."""
    svg = chain.locator("svg.rnnviz-chain-svg")
    chain.locator("select").select_option(str(speed))
    chain.locator(".rnnviz-all").click()
    record_frames(svg)
    chain.locator(".rnnviz-play").click()
    page.wait_for_function("(s) => s.dataset.playing === '0'", arg=svg.element_handle(),
                           timeout=60_000, polling=100)  # fmt: skip
    return frame_times(page)


def frame_report(times, speed):
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    fps = 1000 * len(gaps) / sum(gaps)
    p95 = sorted(gaps)[int(0.95 * (len(gaps) - 1))]
    return (
        f"  animation at {speed:2d} steps/s: {fps:5.1f} frames per second over {len(gaps)} "
        f"frames; interval min {min(gaps):.1f} / median {statistics.median(gaps):.1f} / "
        f"95th pct {p95:.1f} / max {max(gaps):.1f} ms"
    )


def main():
    from playwright.sync_api import sync_playwright

    chromium = chromium_path()
    if chromium is None:
        sys.exit("Chromium not found: install Debian's chromium (make browser)")
    with tempfile.TemporaryDirectory() as tmp:
        nb = notebook(Path(tmp) / "bench-browser.ipynb")
        with jupyter_lab([nb], Path(tmp) / "lab") as lab, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_notebook(page, lab, nb.name)
            page.evaluate(
                "() => window.jupyterapp.commands.execute('application:toggle-left-area')"
            )
            run_all(page)
            outputs = page.locator(".jp-OutputArea-output:has(.jupyter-widgets, .rnnviz-view)")
            trivial, explorer = outputs.nth(0), outputs.nth(1)
            trivial_roots = [trivial.locator(".js-plotly-plot").element_handle()]
            # the stage shows the figure (the chain, hidden, is drawn when shown)
            explorer_roots = [explorer.locator(".js-plotly-plot").element_handle()]
            t_handle, e_handle = slider(trivial, "trivial"), slider(explorer, "σ_max(W_aa)")
            redraw_times(page, t_handle, trivial_roots)  # warm up both
            redraw_times(page, e_handle, explorer_roots)
            times = {"trivial FigureWidget": [], "explorer plot": []}
            for _ in range(PRESSES):
                times["trivial FigureWidget"] += redraw_times(page, t_handle, trivial_roots)
                times["explorer plot"] += redraw_times(page, e_handle, explorer_roots)
            median = {name: statistics.median(v) for name, v in times.items()}
            print(f"bench_browser: key press -> redrawn plot, median of {PRESSES} (JupyterLab 4, "
                  "headless Chromium)")  # fmt: skip
            for name, v in times.items():
                v = sorted(v)
                print(f"  {name:22s} median {median[name]:6.1f} ms  (min {v[0]:.1f}, "
                      f"max {v[-1]:.1f})")  # fmt: skip
            for name in ("explorer plot",):
                ratio = median[name] / median["trivial FigureWidget"]
                verdict = "ok" if ratio <= 0.6 else "OVER 0.6"
                print(f"  ratio {name} / trivial = {ratio:.2f}  (target <= 0.6: {verdict})")

            explorer.locator(".rnnviz-show input[value='chain']").check()  # the chain, shown
            chain = explorer.locator(".rnnviz-chain")
            t_slider = slider(explorer, "length T")
            t_slider.evaluate(
                "(s) => { s.value = s.max; s.dispatchEvent(new Event('input')); }"
            )  # T = 200: a long run of frames
            page.wait_for_function("(s) => s.dataset.t === '200'",
                                   arg=chain.locator("svg").element_handle())  # fmt: skip
            for speed in (30, 60):
                print(frame_report(play(page, chain, speed), speed))
            browser.close()


if __name__ == "__main__":
    main()
