"""Links that carry a setting: the website's address names each live view's setting.

A page opened with `#explorer-1:T=100,...` starts that view there (the view's own readouts then
say what the kernel's numbers say at that setting) and scrolls to it; moving a control rewrites
the address without a reload or a new history entry, several views side by side; a value the
view does not have is left out with a note beside the view, which starts where it always does;
`hide=...` hides those controls; "Copy link" gives an address that opens the view as it was.
"""

import contextlib
import json

import pytest
from jsviews import derive
from labdriver import ARTIFACTS

from rnnviz import views

pytestmark = pytest.mark.browser

PAGES = {
    "explorer": "02-vanishing-gradients.html",
    "heatmap": "02-vanishing-gradients.html",
    "clipping": "04-gradient-clipping.html",
    "cells": "06-gated-units.html",
}
# a setting of each view on the website's grid, other than where the page starts it
LINKED = {
    "explorer": ("T=100,weight_scale=1.1,clip_threshold=0.01,activation=relu",
                 {"T": 100, "weight_scale": 1.1, "clip_threshold": 0.01, "activation": "relu"}),
    "heatmap": ("weight_scale=2.5,T=50,activation=relu",
                {"weight_scale": 2.5, "T": 50, "activation": "relu"}),
    "clipping": ("g1=-2,g2=1.4,clip_threshold=0.4", {"g1": -2.0, "g2": 1.4, "clip_threshold": 0.4}),
    "cells": ("T=200,update_bias=-3,forget_bias=3,show=GRU",
              {"T": 200, "update_bias": -3.0, "forget_bias": 3.0, "show": "GRU"}),
}  # fmt: skip
# the view drawn at the setting it was asked for last
SETTLED = """(v) => v.dataset.ready && v.dataset.drawn
  && (!v.dataset.asked || v.dataset.asked === v.dataset.setting)"""


@contextlib.contextmanager
def opened(browser, url, **options):
    """A page of the site at `url` in a fresh context, its errors collected."""
    context = browser.new_context(**({"viewport": {"width": 1400, "height": 1000}} | options))
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    try:
        yield page
    finally:
        context.close()


def settled(page, view):
    page.wait_for_function(SETTLED, arg=view.element_handle(), timeout=30_000)
    return json.loads(view.get_attribute("data-setting"))


def shown_controls(view):
    """{name: the value its control shows}, for the view's sliders and radio buttons."""
    return view.evaluate(
        """(v) => Object.fromEntries([...v.querySelectorAll('.rnnviz-control[data-name]')].map(
             (c) => { const s = c.querySelector('input[type=range]');
                      const values = JSON.parse((s || c).dataset.values);
                      const i = s ? Number(s.value)
                                  : [...c.querySelectorAll('input')].findIndex((r) => r.checked);
                      return [c.dataset.name, values[i]]; }))"""
    )


def readouts(view):
    return view.locator(".rnnviz-readout-box .rnnviz-value").all_text_contents()


@pytest.mark.parametrize("kind", list(LINKED))
def test_a_link_opens_the_view_at_its_setting(browser, site_url, kind):
    text, setting = LINKED[kind]
    with opened(browser, f"{site_url}{PAGES[kind]}#{kind}-1:{text}") as page:
        view = page.locator(f"#{kind}-1")
        assert view.get_attribute("data-kind") == kind
        got = settled(page, view)
        assert {k: got[k] for k in setting} == setting
        assert {k: shown_controls(view)[k] for k in setting} == setting
        if kind == "explorer":  # what the page shows: the kernel's numbers at that setting
            kernel = views.flow_numbers(views.gradient_flow(**got), setting=got)
            assert readouts(view) == list(derive("explorer", [kernel])[0]["readouts"].values())
        elif kind == "clipping":
            r = views.clipping_geometry((got["g1"], got["g2"]), got["clip_threshold"])
            derived = derive("clipping", [views.clip_numbers(r, setting=got)])[0]
            assert readouts(view) == list(derived["readouts"].values())
        # the page scrolled to the view
        top, height = view.evaluate("(v) => [v.getBoundingClientRect().top, innerHeight]")
        assert page.evaluate("() => scrollY") > 0 and -2 <= top < height / 2, top
        assert view.locator(".rnnviz-link-note").count() == 0
        view.screenshot(path=str(ARTIFACTS / f"site-link-{kind}.png"))
        assert not page.errors, page.errors


def slider(view, name):
    return view.locator(f'[data-name="{name}"] input[type="range"]')


def step(page, view, name, key="ArrowRight"):
    """Move a slider one step with the keyboard; the value it moved to."""
    control = slider(view, name)
    control.scroll_into_view_if_needed()
    control.focus()
    page.keyboard.press(key)
    values = json.loads(control.get_attribute("data-values"))
    return values[int(control.input_value())]


def test_the_address_follows_the_views_and_opens_them_again(browser, site_url):
    with opened(browser, site_url + PAGES["explorer"]) as page:
        explorer, heatmap = page.locator("#explorer-1"), page.locator("#heatmap-1")
        start = settled(page, explorer)
        settled(page, heatmap)
        assert "#" not in page.url  # nothing moved, nothing to say
        page.evaluate("() => { window.samePage = true; }")
        history = page.evaluate("() => history.length")
        T = step(page, explorer, "T")
        page.wait_for_function("(T) => location.hash.includes(`explorer-1:T=${T},`)", arg=T)
        sigma = step(page, heatmap, "weight_scale", "ArrowLeft")
        page.wait_for_function("() => location.hash.includes('&heatmap-1:')")
        for _ in range(5):  # a few more moves: one address, rewritten
            step(page, explorer, "weight_scale")
        moved = settled(page, explorer)
        page.wait_for_function(
            "(s) => location.hash.includes(`weight_scale=${s}`)", arg=moved["weight_scale"]
        )
        assert page.evaluate("() => [window.samePage, history.length]") == [True, history]
        link = page.url
        assert moved["T"] == T != start["T"]
        assert f"heatmap-1:weight_scale={sigma:g}," in link, link
        # an address edited by hand moves the view it names
        page.evaluate("() => { location.hash = 'explorer-1:T=30'; }")
        page.wait_for_function(
            "(v) => JSON.parse(v.dataset.setting).T === 30", arg=explorer.element_handle()
        )
        assert settled(page, explorer)["weight_scale"] == start["weight_scale"]
        assert not page.errors, page.errors
    with opened(browser, link) as page:  # the address opens both views where they were
        assert settled(page, page.locator("#explorer-1")) == moved
        assert settled(page, page.locator("#heatmap-1"))["weight_scale"] == sigma
        assert not page.errors, page.errors


def test_values_a_view_does_not_have_are_left_out_with_a_note(browser, site_url):
    url = site_url + PAGES["explorer"]
    with opened(browser, url) as page:
        start = settled(page, page.locator("#explorer-1"))
    link = (
        f"{url}#explorer-1:T=21,weight_scale=abc,n_a=16,activation=%E2%88%9E,foo=1,clip_threshold=1"
    )
    with opened(browser, link) as page:
        view = page.locator("#explorer-1")
        got = settled(page, view)
        assert got == start | {"clip_threshold": 1.0}  # the one value it has, the others its own
        note = view.locator(".rnnviz-link-note")
        assert note.is_visible()
        said = note.inner_text()
        for part in ("T=21 (not one of its values here)", "weight_scale=abc", "activation=∞",
                     "n_a=16 (fixed at 32 here)", "foo=1 (no such control here)"):  # fmt: skip
            assert part in said, said
        assert "clip_threshold" not in said
        assert view.locator(".rnnviz-live-plot .main-svg").count() > 0  # drawn, not blank
        view.screenshot(path=str(ARTIFACTS / "site-link-note.png"))
        assert not page.errors, page.errors


def test_hide_hides_those_controls(browser, site_url):
    link = f"{site_url}{PAGES['explorer']}#explorer-1:hide=activation,clip_threshold,seed"
    with opened(browser, link) as page:
        view = page.locator("#explorer-1")
        settled(page, view)
        for name in ("activation", "clip_threshold"):
            assert view.locator(f'[data-name="{name}"]').is_hidden(), name
        for name in ("T", "weight_scale"):
            assert view.locator(f'[data-name="{name}"]').is_visible(), name
        # seed is fixed on the website: said so, not an error
        assert "hide=seed (fixed at 0 here)" in view.locator(".rnnviz-link-note").inner_text()
        T = step(page, view, "T")
        page.wait_for_function(
            "(T) => location.hash.includes(`T=${T},`) && "
            "location.hash.endsWith(',hide=activation,clip_threshold')",
            arg=T,
        )
        view.screenshot(path=str(ARTIFACTS / "site-link-hide.png"))
        assert not page.errors, page.errors


NO_CLIPBOARD = "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});"


def test_copy_link_gives_a_link_to_the_setting(browser, site_url):
    url = site_url + PAGES["clipping"]
    with opened(browser, url, permissions=["clipboard-read", "clipboard-write"]) as page:
        view = page.locator("#clipping-1")
        settled(page, view)
        step(page, view, "g1", "ArrowLeft")
        step(page, view, "clip_threshold")
        setting = settled(page, view)
        view.locator(".rnnviz-copy-link").click()
        expect = view.locator(".rnnviz-link-status")
        page.wait_for_function(
            "(s) => s.textContent === 'Link copied.'", arg=expect.element_handle()
        )
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied.startswith(url + "#clipping-1:"), copied
        assert not page.errors, page.errors
    with opened(browser, copied) as page:
        assert settled(page, page.locator("#clipping-1")) == setting
    # a browser that does not let the page write to the clipboard: the link, selected
    with opened(browser, url) as page:
        page.add_init_script(NO_CLIPBOARD)
        page.reload()
        view = page.locator("#clipping-1")
        start = settled(page, view)
        assert page.evaluate("() => navigator.clipboard") is None
        view.locator(".rnnviz-copy-link").click()
        field = view.get_by_label("Link", exact=True)
        assert field.is_visible()
        link = field.input_value()
        assert link.startswith(url + "#clipping-1:g1=")
        selected = field.evaluate(
            "(f) => document.activeElement === f && f.selectionStart === 0"
            " && f.selectionEnd === f.value.length"
        )
        assert selected
        assert "Ctrl+C" in view.locator(".rnnviz-link-status").inner_text()
        view.screenshot(path=str(ARTIFACTS / "site-link-copy.png"))
        assert not page.errors, page.errors
    with opened(browser, link) as page:
        assert settled(page, page.locator("#clipping-1")) == start
