"""Every notebook with a widget, opened in JupyterLab in headless Chromium and played with.

For each notebook (`labdriver.widget_notebooks`, opened by the fixture `notebook_page`): all
cells run, no cell shows an error or a warning and every widget renders; every control of a live
view, moved one step with the keyboard, changes the view, which then shows that setting; every
gradient chain plays (frames advance) and restarts when a slider moves mid-play. Screenshots go
to test-artifacts/.
"""

import json

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
    return handle.input_value() == handle.get_attribute("max")


# a live view has drawn the setting its controls last asked for
SETTLED = "(v) => !v.dataset.asked || v.dataset.asked === v.dataset.setting"


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
    # plotly.js came once for the page, from the kernel, however many live views it draws
    live = page.locator(".rnnviz-live-plot").count()
    loaded = page.evaluate("() => window.rnnvizPlotly?.loaded ?? 0")
    assert loaded == (1 if live else 0), f"plotly.js loaded {loaded} times for {live} figures"


def test_every_control_changes_its_view_and_the_view_shows_its_setting(notebook_page):
    page = notebook_page
    moved = []
    views = page.locator(".rnnviz-view")
    for i in range(views.count()):
        view = views.nth(i)
        view.locator("details.rnnviz-more-controls").evaluate_all(
            "(folds) => folds.forEach((d) => { d.open = true; })"
        )
        controls = view.locator(".rnnviz-control input[type=range], .rnnviz-choice :checked")
        for j in range(controls.count()):
            control = controls.nth(j)
            name = control.locator("xpath=ancestor::*[@data-name][1]").get_attribute("data-name")
            before = fingerprint(view)
            is_range = control.get_attribute("type") == "range"
            press_slider(page, control, "ArrowLeft" if is_range and at_maximum(control) else
                         "ArrowRight")  # fmt: skip
            after = wait_for_change(view, before)
            assert after != before, f"moving {name!r} of view {i} did not change it"
            page.wait_for_function(SETTLED, arg=view.element_handle(), timeout=10_000)
            assert name in json.loads(view.get_attribute("data-setting")), name
            moved.append(name)
    page.shot("after-controls")
    assert problems(page) == []
    assert page.js_errors == []
    print(f"moved {len(moved)} controls: {moved}")


def test_gradient_chain_plays_and_restarts(notebook_page):
    page = notebook_page
    chains = page.locator(".rnnviz-chain")
    # the chain belongs to the explorer: a notebook without one shows no chain, and passes here
    text = page.notebook.read_text(encoding="utf-8")
    has_explorer = "GradientFlowExplorer" in text or '"chain"' in text
    assert (chains.count() > 0) == has_explorer, f"{chains.count()} chains in {page.notebook.name}"
    for i in range(chains.count()):
        chain = chains.nth(i)
        view = chain.locator("xpath=ancestor::*[contains(@class, 'rnnviz-view')][1]")
        show = view.locator(".rnnviz-show input[value='chain']")
        if show.count():  # the stage shows the figure: show the chain
            show.check()
        svg = chain.locator("svg.rnnviz-chain-svg")
        chain.scroll_into_view_if_needed()
        # 30 time steps per second: the shortest chain here (T = 40) plays 1.3 s, well past the
        # 0.6 s this waits before it looks (at 60 steps per second it could have ended)
        chain.locator("select").select_option("30")
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
        explorer = chain.locator("xpath=ancestor::*[contains(@class, 'rnnviz-view')][1]")
        handle = explorer.locator('.rnnviz-control[data-name="T"] input')
        if not handle.count():
            continue  # a fixed result: no slider to move
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
