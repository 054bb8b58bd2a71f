"""The website in headless Chromium, served from localhost, with every other request blocked.

Every page opens without a console error and without a request leaving the site; each
kernel-free view's sliders and buttons, moved with the keyboard, change its figure, and the
readouts and title are then what the view's module derives from the kernel's numbers for that
setting (the module JupyterLab runs: tests/browser/test_one_renderer.py); Play animates the
gradient chain; the quiz answers as the notebook's quiz does. Screenshots go to test-artifacts/.
"""

import contextlib
import json
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from jsviews import derive
from labdriver import ARTIFACTS, fingerprint, frame_times, record_frames, wait_for_change

import rnnviz as rv
from rnnviz import views

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))


pytestmark = pytest.mark.browser
SITE = ROOT / "build" / "site"
PAGES = ["index.html"] + [f"{p.stem}.html" for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
SETTLED = "(v) => !v.dataset.asked || v.dataset.asked === v.dataset.setting"
READY = """() => [...document.querySelectorAll('.rnnviz-site-widget')].every((s) => s.dataset.ready)
  && [...document.querySelectorAll('.rnnviz-plot')].every(
    (p) => p.dataset.drawn || p.closest('details:not([open])'))"""


@contextlib.contextmanager
def opened(browser, url, name, open_results=True, **options):
    """A page of the site in a fresh context: requests outside `url` are blocked and recorded,
    console errors and page errors collected, every figure drawn (scrolled into view; with
    `open_results`, the results folded under "Predict" questions opened first)."""
    context = browser.new_context(**({"viewport": {"width": 1400, "height": 1000}} | options))
    page = context.new_page()
    page.outside, page.errors = [], []

    def route(r):
        if r.request.url.startswith(url):
            r.continue_()
        else:
            page.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url + name)
    if open_results:  # the results folded under "Predict" questions
        page.evaluate("() => document.querySelectorAll('details.rnnviz-reveal').forEach("
                      "(d) => { d.open = true; })")  # fmt: skip
    for plot in page.locator(".rnnviz-plot").all():  # figures draw when they come into view
        if plot.evaluate("(p) => !p.closest('details:not([open])')"):  # not folded away
            plot.scroll_into_view_if_needed()
    page.wait_for_function(READY, timeout=60_000, polling=100)
    # MathJax loads once the views are drawn; then it typesets
    page.wait_for_function("() => window.MathJax?.startup?.promise", timeout=60_000)
    page.evaluate("() => window.MathJax.startup.promise")
    try:
        yield page
    finally:
        context.close()


def shot(page, name, locator=None):
    ARTIFACTS.mkdir(exist_ok=True)
    target = locator or page
    if locator is not None:
        locator.scroll_into_view_if_needed()
    target.screenshot(path=str(ARTIFACTS / f"site-{name}.png"))


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_offline_without_errors(browser, site_url, name):
    with opened(browser, site_url, name) as page:
        page.evaluate("() => window.scrollTo(0, 0)")
        shot(page, Path(name).stem)
        assert not page.errors, f"{name}: {page.errors}"
        assert not page.outside, f"{name} requested {page.outside}"
        if name != "index.html":
            # the notebook's math is typeset by the site's own MathJax
            assert page.locator("mjx-container").count() > 0, f"{name}: no math typeset"
        plots = page.locator(".rnnviz-plot")
        for i in range(plots.count()):
            assert plots.nth(i).get_attribute("aria-label").startswith("Figure"), name
            assert plots.nth(i).locator(".main-svg").count() > 0, f"{name}: figure {i} not drawn"
        # every control is labelled and reachable by keyboard
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('.rnnviz-site-widget input')].filter(
                 (i) => !i.labels.length && !i.closest('[aria-labelledby]')).length"""
        )
        assert unlabelled == 0, f"{name}: {unlabelled} controls without a label"
        # the site's plotly.js (a partial bundle) knows every trace type the figures use
        unknown = page.evaluate(UNKNOWN_TRACES)
        assert not unknown, f"{name}: trace types missing from the site's plotly.js: {unknown}"
        # every widget's output is as tall as the widget, once its figures are drawn
        cut = page.evaluate(CUT_OFF)
        assert not cut, f"{name}: outputs cut off: {cut}"


# every file the page fetched: [path, started, finished (ms on the page's clock), bytes]
FETCHED = """() => performance.getEntriesByType('resource').map(
  (e) => [new URL(e.name).pathname, e.startTime, e.responseEnd, e.decodedBodySize])"""


def test_the_explorer_works_before_the_large_files_load(browser, site_url):
    """What a slow connection brings first is what the views need: their numbers (small files,
    only those of the setting shown) and modules; plotly.js (1.5 MB) is asked for only once the
    views work, MathJax (1.2 MB) once they are drawn."""
    with opened(browser, site_url, EXPLORER_PAGES[0]) as page:
        works = page.evaluate(MARK, "rnnviz:explorer:interactive")
        drawn = page.evaluate(
            "() => Math.max(...performance.getEntriesByType('mark')"
            ".filter((m) => m.name.endsWith(':ready')).map((m) => m.startTime))"
        )
        fetched = page.evaluate(FETCHED)
        assert not page.errors, page.errors
    before = [f for f in fetched if f[2] <= works]
    data = [f for f in before if f[0].startswith("/data/")]
    assert 2 <= len(data) <= 4, f"data files fetched before the explorer worked: {data}"
    assert sum(f[3] for f in data) <= 150_000, data
    assert all(f[3] <= 64_000 for f in data), data
    starts = {f[0]: f[1] for f in fetched}
    assert starts["/static/plotly.min.js"] >= works, "plotly.js was asked for before it was needed"
    assert starts["/mathjax/tex-chtml.js"] >= drawn, "MathJax was asked for before the views drew"


MARK = "(name) => performance.getEntriesByName(name)[0].startTime"


def test_results_under_a_prediction_stay_folded_until_opened(browser, site_url):
    """The page does not answer a "Predict" question before the reader opens the result."""
    name = "03-exploding-gradients.html"  # its folded results include figures
    with opened(browser, site_url, name, open_results=False) as page:
        folded = page.locator("details.rnnviz-reveal")
        assert folded.count() >= 3
        assert all(not d.evaluate("(d) => d.open") for d in folded.all())
        figure = page.locator("details.rnnviz-reveal:has(.rnnviz-plot)").first
        assert not figure.locator(".rnnviz-plot").is_visible()
        figure.locator("summary").focus()
        page.keyboard.press("Enter")  # open it with the keyboard
        plot = figure.locator(".rnnviz-plot")
        plot.scroll_into_view_if_needed()
        page.wait_for_function("(p) => p.dataset.drawn", arg=plot.element_handle())
        assert plot.locator(".main-svg").count() > 0
        shot(page, "predict-opened", figure)
        assert not page.errors and not page.outside


UNKNOWN_TRACES = """() => {
  if (!window.Plotly) return [];
  const known = new Set(Object.keys(Plotly.PlotSchema.get().traces));
  return [...document.querySelectorAll('.js-plotly-plot')]
    .flatMap((p) => (p.data || []).map((t) => t.type || 'scatter'))
    .filter((t) => !known.has(t));
}"""
# outputs shorter than their content, or whose content sticks out of them to the side
CUT_OFF = """() => [...document.querySelectorAll('.rnnviz-widget-output, .rnnviz-site-widget')]
  .filter((o) => o.scrollHeight > o.clientHeight + 2 || o.scrollWidth > o.clientWidth + 2)
  .map((o) => `${o.className}: ${o.scrollWidth}x${o.scrollHeight}`
    + ` in ${o.clientWidth}x${o.clientHeight}`)"""
HIDDEN_VALUES = """() => [...document.querySelectorAll('.rnnviz-control')].filter((c) => {
  const box = c.closest('.rnnviz-site-widget').getBoundingClientRect();
  return [...c.querySelectorAll('output, input')].some((e) => {
    const r = e.getBoundingClientRect();
    return r.right > box.right + 1 || r.left < box.left - 1;
  });
}).map((c) => c.textContent.trim().slice(0, 40))"""


@pytest.mark.parametrize("name", ["02-vanishing-gradients.html", "04-gradient-clipping.html"])
def test_widgets_fit_a_phone(browser, site_url, name):
    """On a phone's width every slider and its value stay inside the widget, nothing is cut."""
    phone = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2}
    with opened(browser, site_url, name, **phone) as page:
        hidden = page.evaluate(HIDDEN_VALUES)
        assert not hidden, f"{name}: controls past the widget's edge: {hidden}"
        cut = page.evaluate(CUT_OFF)
        assert not cut, f"{name}: outputs cut off: {cut}"
        shot(page, f"{Path(name).stem}-phone", widget(page, "explorer"))
        assert not page.errors and not page.outside


def widget(page, kind, i=0):
    return page.locator(f'.rnnviz-site-widget[data-kind="{kind}"]').nth(i)


def move(page, control, key="ArrowRight"):
    """Move a slider (or a group of radio buttons) one step with the keyboard."""
    control.scroll_into_view_if_needed()
    control.focus()
    page.keyboard.press(key)


def readout(section):
    return section.locator(".rnnviz-readout").inner_text()


EXPLORER_PAGES = ["02-vanishing-gradients.html", "03-exploding-gradients.html"]


@pytest.mark.parametrize("name", EXPLORER_PAGES + ["04-gradient-clipping.html"])
def test_explorer_controls_change_the_figure_and_match_the_widget(browser, site_url, name):
    with opened(browser, site_url, name) as page:
        section = widget(page, "explorer")
        shot(page, f"{Path(name).stem}-explorer", section)
        figure = section.locator(".rnnviz-figure")
        controls = section.locator('input[type="range"]')
        assert controls.count() == 3  # T, sigma_max, clip threshold
        for i in range(controls.count()):
            before = fingerprint(figure)
            move(page, controls.nth(i))
            assert wait_for_change(figure, before) != before, f"{name}: slider {i} changed nothing"
        before = fingerprint(figure)
        move(
            page, section.locator('.rnnviz-choice input[type="radio"]:checked')
        )  # the next activation
        assert wait_for_change(figure, before) != before, f"{name}: the activation changed nothing"
        # what the page shows is what the explorer's module derives from the kernel's numbers
        page.wait_for_function(SETTLED, arg=section.element_handle())
        setting = json.loads(section.get_attribute("data-setting"))
        kernel = views.flow_numbers(views.gradient_flow(**setting), setting=setting)
        derived = derive("explorer", [kernel])[0]
        shown = section.locator(".rnnviz-readout-box .rnnviz-value").all_text_contents()
        assert shown == list(derived["readouts"].values())
        title = figure.locator(".gtitle").text_content()
        assert title == derived["title"]
        shot(page, f"{Path(name).stem}-explorer-moved", section)
        assert not page.errors and not page.outside


def test_play_animates_the_chain(browser, site_url):
    with opened(browser, site_url, EXPLORER_PAGES[0]) as page:
        section = widget(page, "explorer")
        section.locator(".rnnviz-show input[value='chain']").check()  # the chain, not the figure
        svg = section.locator("svg.rnnviz-chain-svg")
        section.locator(".rnnviz-play").scroll_into_view_if_needed()
        record_frames(svg)
        started = time.monotonic()
        section.locator(".rnnviz-play").click()
        page.wait_for_timeout(1000)
        frames = frame_times(page)
        steps = int(svg.get_attribute("data-step"))
        assert len(frames) >= 10, f"{len(frames)} frames in {time.monotonic() - started:.1f} s"
        assert 1 <= steps < 50, "the highlight did not travel back from step T"
        shot(page, "chain-playing", section.locator(".rnnviz-chain-host"))
        assert "step k =" in section.locator(".rnnviz-chain-status").inner_text()
        assert not page.errors


@pytest.mark.parametrize("kind", ["clipping", "heatmap", "cells"])
def test_other_widgets_sliders_change_the_figure(browser, site_url, kind):
    name = {
        "clipping": "04-gradient-clipping.html",
        "heatmap": "02-vanishing-gradients.html",
        "cells": "06-gated-units.html",
    }
    with opened(browser, site_url, name[kind]) as page:
        section = widget(page, kind)
        figure = section.locator(".rnnviz-figure")
        controls = section.locator('input[type="range"]')
        for i in range(controls.count()):
            before = fingerprint(figure)
            at_end = controls.nth(i).evaluate("(c) => c.value === c.max")
            move(page, controls.nth(i), "ArrowLeft" if at_end else "ArrowRight")
            assert wait_for_change(figure, before) != before, f"{kind}: slider {i} changed nothing"
        if kind in ("heatmap", "cells"):
            before = fingerprint(figure)
            move(page, section.locator('.rnnviz-choice input[type="radio"]:checked'))
            assert wait_for_change(figure, before) != before, "the activation changed nothing"
        if kind == "clipping":
            page.wait_for_function(SETTLED, arg=section.element_handle())
            setting = json.loads(section.get_attribute("data-setting"))
            r = views.clipping_geometry((setting["g1"], setting["g2"]), setting["clip_threshold"])
            derived = derive("clipping", [views.clip_numbers(r, setting=setting)])[0]
            shown = section.locator(".rnnviz-readout-box .rnnviz-value").all_text_contents()
            assert shown == list(derived["readouts"].values())
        shot(page, kind, section)
        assert not page.errors and not page.outside


def text(html):
    """What a piece of HTML says, spaces normalised."""
    return " ".join(BeautifulSoup(html, "html.parser").get_text().split())


def test_quiz_answers_as_the_notebooks_quiz(browser, site_url):
    with opened(browser, site_url, "05-wrap-up.html") as page:
        section = widget(page, "quiz")
        questions = section.locator("fieldset")
        first = questions.nth(0)
        first.locator('input[type="radio"]').nth(1).check()
        quiz = rv.Quiz()
        name = list(quiz.buttons)[0]
        quiz.buttons[name].value = 1
        assert text(first.locator(".rnnviz-feedback").inner_html()) == text(quiz.children[2].value)
        assert text(quiz.score.value) in text(section.inner_html())
        shot(page, "quiz", section)
        assert not page.errors


def test_exercises_say_they_need_python(browser, site_url):
    with opened(browser, site_url, "06-gated-units.html") as page:
        notes = page.locator(".rnnviz-needs-kernel")
        assert notes.count() == 1  # the GRU exercise
        text = notes.first.inner_text()
        assert "make lab" in text and "notebook" in text
        shot(page, "needs-python", notes.first)
