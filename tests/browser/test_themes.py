"""Every widget in JupyterLab Light and Dark at 150 % zoom: contrast, layout, keyboard, labels.

Notebooks 02 and 04, and as few other notebooks with widgets as show every other kind of widget
(`notebooks_to_check`: today 06 and the demo notebook, whose explorer overflows), each run once
in a page laid out as at 150 % browser zoom on a 1280 x 720 screen (`labdriver.ZOOM_150`); the
tests of this module share that page:

- every text of the widgets, HTML and SVG, contrasts with the colours painted behind it by at
  least 4.5:1, or 3:1 for large text (WCAG 2.2, 1.4.3), in both themes; the lowest ratio of each
  theme is printed and written to test-artifacts/contrast.json;
- no two controls or views overlap, none sticks out of its output, no label or button cuts its
  text, and the figures sit on framed cards;
- Tab reaches every control of a panel; the chain's buttons show a focus ring (:focus-visible)
  in both themes and work with Space and Enter, its speed menu and the sliders with arrows;
- the chain's SVG states its result in its label, and its status line is a live region.

Screenshots of every widget in both themes go to test-artifacts/<notebook>-zoom150-<theme>-*.png.
"""

import json

import pytest
from labdriver import (
    ARTIFACTS,
    DARK,
    LIGHT,
    ZOOM_150,
    fingerprint,
    focus_ring,
    layout_problems,
    opened_notebook,
    problems,
    set_theme,
    text_contrast,
    wait_for_change,
    widget_notebooks,
    widget_outputs,
    widgets_shown,
)

pytestmark = pytest.mark.browser

THEMES = {LIGHT: "light", DARK: "dark"}
LOWEST = {}  # notebook -> theme -> the text of lowest contrast (for contrast.json)
FOCUSABLE = """(panel) => [...panel.querySelectorAll('button, select, input, summary, .noUi-handle,'
    + ' [contenteditable="true"], [tabindex]:not([tabindex="-1"])')]
  .filter((e) => e.type !== 'radio' || e.checked
    || !panel.querySelector(`input[type=radio][name="${e.name}"]:checked`))
  .filter((e) => !e.disabled && e.offsetParent !== null)
  .filter((e) => { const fold = e.closest('details:not([open])');  // folded away
                   return !fold || fold.querySelector(':scope > summary') === e; })
  .map((e, i) => { e.dataset.rnnvizTab = i; return (e.getAttribute('aria-label') || e.title
    || e.textContent.trim() || e.className).slice(0, 40); })"""
FOCUSED_INDEX = "() => document.activeElement.dataset.rnnvizTab ?? null"


def notebooks_to_check():
    """02 and 04, and as few other widget notebooks as show every other kind of widget."""
    notebooks = widget_notebooks()
    chosen = [nb for nb in notebooks if nb.name.startswith(("02-", "04-"))]
    missing = set().union(*map(widgets_shown, notebooks)) - set().union(*map(widgets_shown, chosen))
    while missing:
        best = max(notebooks, key=lambda nb: len(widgets_shown(nb) & missing))
        chosen.append(best)
        missing -= widgets_shown(best)
    return [nb for nb in notebooks if nb in chosen]


@pytest.fixture(scope="module", params=notebooks_to_check(), ids=lambda path: path.name)
def zoomed_page(request, browser, lab):
    """One notebook, all cells run, in a page at 150 % zoom; the theme goes back to Light after."""
    with opened_notebook(browser, lab, request.param, **ZOOM_150) as page:
        try:
            yield page
        finally:
            set_theme(page, LIGHT)  # a user setting of the server: later pages start with it


def describe(t):
    weight = " bold" if t["bold"] else ""
    return (
        f"{t['ratio']}:1 < {t['required']}:1: {t['text']!r} ({t['fg']} on {t['bg']}, "
        f"{t['size']} px{weight}, in .{t['where']})"
    )


def record(notebook, theme, texts):
    ranked = sorted(texts, key=lambda t: t["ratio"])
    lowest = ranked[0]
    LOWEST.setdefault(notebook.name, {})[theme] = {
        **lowest,
        "texts": len(texts),
        "failing": sum(t["ratio"] < t["required"] for t in texts),
        "next_lowest": [f"{t['ratio']}:1 {t['text']!r}" for t in ranked[1:4]],
    }
    summary = {
        theme: min(
            (by_theme[theme] | {"notebook": name} for name, by_theme in LOWEST.items()
             if theme in by_theme),
            key=lambda t: t["ratio"],
        )
        for theme in THEMES
        if any(theme in by_theme for by_theme in LOWEST.values())
    }  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "contrast.json").write_text(
        json.dumps({"lowest": summary, "notebooks": LOWEST}, indent=1, ensure_ascii=False),
        encoding="utf-8",
    )
    return (
        f"{notebook.name}, {theme}: lowest contrast {lowest['ratio']}:1 ({lowest['text']!r}, "
        f"{lowest['fg']} on {lowest['bg']}) among {len(texts)} texts; lowest in {theme} so far "
        f"{summary[theme]['ratio']}:1 (test-artifacts/contrast.json)"
    )


def test_text_contrast_in_light_and_dark(zoomed_page, capsys):
    page = zoomed_page
    failures = []
    for theme, name in THEMES.items():
        set_theme(page, theme)
        texts = text_contrast(page)
        assert len(texts) > 5, f"only {len(texts)} texts measured in {theme}"
        assert not [t for t in texts if "unparsed" in t], texts
        with capsys.disabled():
            print("\n" + record(page.notebook, theme, texts))
        failures += [f"{theme}: {describe(t)}" for t in texts if t["ratio"] < t["required"]]
        outputs = widget_outputs(page)
        for i in range(outputs.count()):
            page.shot(f"zoom150-{name}-widget{i}", outputs.nth(i))
    assert not failures, "\n".join(failures)
    assert page.js_errors == []


def test_nothing_overlaps_or_is_cut_off_at_150_percent(zoomed_page):
    page = zoomed_page  # in either theme: the layout is the same
    assert page.evaluate("() => [innerWidth, innerHeight, devicePixelRatio]") == [853, 480, 1.5]
    outputs = widget_outputs(page)
    found, counted = [], 0
    for i in range(outputs.count()):
        result = layout_problems(outputs.nth(i))
        counted += result["count"]
        found += [f"widget {i}: {p}" for p in result["overlaps"] + result["cut"]]
    assert counted > 0
    assert not found, "\n".join(found)
    # every figure of a panel sits on a framed card (static/panel.css)
    frames = page.locator(".rnnviz .js-plotly-plot").evaluate_all(
        "(plots) => plots.map((p) => { const c = p.closest('.rnnviz-figure');"
        " return c ? parseFloat(getComputedStyle(c).borderTopWidth) : 0; })"
    )
    assert all(width >= 1 for width in frames), frames


def tab_through(page, panel):
    """Press Tab from the panel's first control on: the controls, and the order Tab reaches them.

    Each control of the panel gets data-rnnviz-tab, its number in document order.
    """
    names = panel.evaluate(FOCUSABLE)
    assert names, "the panel has no control"
    first = panel.locator("[data-rnnviz-tab='0']")
    first.scroll_into_view_if_needed()
    first.focus()  # (Shift+Tab would land in the code cell above, where Tab indents)
    reached = [int(page.evaluate(FOCUSED_INDEX))]
    for _ in range(len(names) + 3):
        page.keyboard.press("Tab")
        index = page.evaluate(FOCUSED_INDEX)
        if index is None or not panel.evaluate("(p) => p.contains(document.activeElement)"):
            break
        reached.append(int(index))
    return names, reached


def tab_to(page, panel, selector, order):
    """Focus the control before `selector` in the Tab `order`, then press Tab to reach it."""
    target = int(panel.locator(selector).get_attribute("data-rnnviz-tab"))
    if order.index(target) == 0:  # the panel's first control: nothing of the panel before it
        panel.locator(selector).focus()
        return
    before = order[order.index(target) - 1]
    panel.locator(f"[data-rnnviz-tab='{before}']").focus()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_INDEX) == str(target), f"Tab does not lead to {selector}"


def show_chain(panel):
    """A view that shows the figure or the chain: the chain (its controls are tested here)."""
    show = panel.locator(".rnnviz-show input[value='chain']")
    if show.count():
        show.check()


def chain_state(chain):
    return chain.locator("svg.rnnviz-chain-svg").evaluate("(s) => ({...s.dataset})")


def test_keyboard_reaches_and_operates_every_control(zoomed_page):
    page = zoomed_page
    panels = page.locator(".rnnviz")
    assert panels.count() > 0 or widgets_shown(page.notebook) == {"Quiz"}
    for p in range(panels.count()):
        panel = panels.nth(p)
        show_chain(panel)
        names, order = tab_through(page, panel)
        missed = [name for i, name in enumerate(names) if i not in order]
        assert not missed, f"Tab does not reach {missed} (reached {order} of {len(names)})"

        chain = panel.locator(".rnnviz-chain")
        if chain.count():
            # a visible focus ring on Play, Pause and Step, in both themes (the current one first)
            current = page.evaluate("() => document.body.dataset.jpThemeName")
            for theme in sorted(THEMES, key=lambda t: t != current):
                set_theme(page, theme)
                tab_to(page, panel, ".rnnviz-play", order)
                for button in ("play", "pause", "step"):
                    ring = focus_ring(page)
                    assert ring["text"] in chain.locator(f".rnnviz-{button}").inner_text()
                    assert ring["focusVisible"], ring
                    assert ring["style"] != "none" and ring["width"] >= 2, (theme, ring)
                    assert ring["ratio"] >= 3, f"{theme}: focus ring of {button}: {ring}"
                    page.keyboard.press("Tab")
            set_theme(page, LIGHT)
            # the chain, operated with the keyboard alone
            chain.locator(".rnnviz-all").click()
            tab_to(page, panel, ".rnnviz-play", order)
            page.keyboard.press("Space")
            assert chain_state(chain)["playing"] == "1"
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")  # Pause
            paused = chain_state(chain)
            assert paused["playing"] == "0", paused
            page.keyboard.press("Tab")
            page.keyboard.press("Enter")  # Step back
            assert int(chain_state(chain)["step"]) == int(paused["step"]) - 1
            page.keyboard.press("Tab")
            page.keyboard.press("Space")  # Show all
            assert chain_state(chain)["step"] == "0"
            page.keyboard.press("Tab")
            speed = chain.locator("select")
            assert speed.evaluate("(e) => e === document.activeElement")
            value = speed.input_value()
            last = value == speed.locator("option").last.get_attribute("value")
            page.keyboard.press("ArrowUp" if last else "ArrowDown")
            assert speed.input_value() != value, "arrows do not change the speed"

        # a choice (radio buttons): an arrow key chooses the next option, the views are redrawn
        choice = panel.locator(".rnnviz-choice input[type=radio]:checked").first
        if choice.count():
            before = fingerprint(panel)
            choice.focus()
            page.keyboard.press("ArrowRight")
            assert wait_for_change(panel, before) != before, "an arrow on a choice: no redraw"
        # a slider: arrows move it, and its value beside it says so
        slider = panel.locator(".rnnviz-control:has(input[type=range])").first
        if slider.count():
            handle, readout = slider.locator("input"), slider.locator("output")
            now = readout.inner_text()
            handle.focus()
            at_max = handle.input_value() == handle.get_attribute("max")
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            page.wait_for_timeout(200)
            assert readout.inner_text() != now, "arrows do not move the slider"
    assert problems(page) == []
    assert page.js_errors == []


def test_chain_states_its_result_to_screen_readers(zoomed_page):
    page = zoomed_page
    chains = page.locator(".rnnviz-chain")
    for i in range(chains.count()):
        chain = chains.nth(i)
        show_chain(chain.locator("xpath=ancestor::*[contains(@class, 'rnnviz-view')][1]"))
        chain.locator(".rnnviz-all").click()
        status = chain.locator(".rnnviz-chain-status")
        assert status.get_attribute("aria-live") == "polite"
        svg = chain.locator("svg.rnnviz-chain-svg")
        assert svg.get_attribute("role") == "img"
        label = svg.get_attribute("aria-label")
        summary = status.text_content().strip()
        assert summary and summary in label, (summary, label)
        assert svg.locator(":scope > title").text_content() == label
        for button in chain.locator("button").all():
            assert button.inner_text().strip() and button.get_attribute("title")
        assert (
            chain.locator("select").get_attribute("aria-label")
            or chain.locator("label:has(select)").count()
        )
