"""One renderer: each live view shows the same thing in JupyterLab, in Voila and on the website.

The live views of live-views.ipynb (each at a setting a notebook of the course uses) are opened
in JupyterLab, in Voila (the README's projector path) and on the website's pages. In each front
end the view's own controls are moved to the same settings (settings the website has numbers
for), and what the view then shows is read: its setting, figure title, readouts, the chain's
summary and every trace's data. The three must be identical. Voila runs offline: the requests
it sends elsewhere are recorded, and none serves anything the views draw.
"""

import contextlib

import pytest
from labdriver import ARTIFACTS, LIVE_VIEWS, opened_notebook, voila

pytestmark = pytest.mark.browser

# Each view's settings: its starting setting first, then moves of every control, on the site's
# grid. Only the controls a setting names are moved; the others stay where they are.
SETTINGS = {
    "explorer": [
        {},
        {"T": 100},
        {"weight_scale": 1.5, "activation": "linear"},
        {"T": 200, "weight_scale": 2.0, "activation": "relu", "clip_threshold": 0.01},
        {"T": 20, "weight_scale": 0.5, "activation": "sigmoid", "clip_threshold": None},
    ],
    "clipping": [{}, {"g1": -2.0, "g2": 1.4, "clip_threshold": 0.4}, {"g1": 0.0, "g2": 0.0}],
    "heatmap": [{}, {"weight_scale": 2.5, "T": 50, "activation": "relu"}, {"T": 10}],
    "cells": [{}, {"T": 200, "update_bias": -3.0, "forget_bias": 3.0}, {"show": "GRU", "T": 10}],
}
KINDS = list(SETTINGS)  # the order of the views in live-views.ipynb
SITE_PAGES = {
    "explorer": "02-vanishing-gradients.html",
    "heatmap": "02-vanishing-gradients.html",
    "clipping": "04-gradient-clipping.html",
    "cells": "06-gated-units.html",
}

# Move a view's controls to `setting` as a reader would: each control's own input changes
# and fires its event (a slider to the index of the value, a radio button clicked).
MOVE = """(view, setting) => {
  for (const [name, value] of Object.entries(setting)) {
    const control = view.querySelector(`[data-name="${name}"]`);
    if (!control) throw new Error(`no control ${name}`);
    const slider = control.querySelector('input[type=range]');
    const values = JSON.parse((slider || control).dataset.values);
    const i = values.findIndex((v) => v === value);
    if (i < 0) throw new Error(`${name} has no value ${value}`);
    if (slider) {
      if (slider.value === String(i)) continue;
      slider.value = String(i);
      slider.dispatchEvent(new Event('input', {bubbles: true}));
    } else control.querySelectorAll('input')[i].click();
  }
}"""
SETTLED = "(v) => !v.dataset.asked || v.dataset.asked === v.dataset.setting"
SHOWN = """(view) => {
  const plot = view.querySelector('.rnnviz-live-plot');
  const pick = (t) => ({name: t.name, visible: t.visible, x: t.x, y: t.y, z: t.z, text: t.text});
  return {
    setting: JSON.parse(view.dataset.setting),
    title: view.querySelector('.gtitle')?.textContent,
    readouts: [...view.querySelectorAll('.rnnviz-readout-box :is(.rnnviz-name, .rnnviz-value)')]
      .map((e) => e.textContent),
    traces: JSON.parse(JSON.stringify(plot.data.map(pick))),
    notes: (plot.layout.annotations || []).map((a) => [a.text, a.visible]),
  };
}"""


# The chain, shown by its toggle where the view also has a figure (a hidden chain is not drawn).
CHAIN = """(view) => ({
  chain: view.querySelector('.rnnviz-chain-status')?.textContent ?? null,
  chainLabel: view.querySelector('svg.rnnviz-chain-svg')?.getAttribute('aria-label') ?? null,
})"""


def chain_shown(view):
    """What the view's chain shows (shown first if it has a toggle; the figure shown again)."""
    toggle = view.locator(".rnnviz-show")
    if toggle.count():
        toggle.locator("input[value='chain']").check()
    shown = view.evaluate(CHAIN)
    if toggle.count():
        toggle.locator("input[value='figure']").check()
    return shown


def walk(page, view, kind, where):
    """What `view` shows at each of its settings, moved there with its own controls."""
    shown = []
    for i, setting in enumerate(SETTINGS[kind]):
        view.scroll_into_view_if_needed()
        if setting:
            view.evaluate(MOVE, setting)
        page.wait_for_function(SETTLED, arg=view.element_handle(), timeout=20_000)
        page.wait_for_function(
            "(v) => v.dataset.setting && v.querySelector('.rnnviz-live-plot')._fullData",
            arg=view.element_handle(),
        )
        shown.append(page.evaluate(SHOWN, view.element_handle()) | chain_shown(view))
        view.screenshot(path=str(ARTIFACTS / f"one-renderer-{where}-{kind}-{i}.png"))
    return shown


@pytest.fixture(scope="module")
def lab_views(browser, lab):
    with opened_notebook(
        browser, lab, LIVE_VIEWS, viewport={"width": 1400, "height": 1000}
    ) as page:
        views = page.locator(".rnnviz-view")
        assert views.count() == len(KINDS)
        shown = {k: walk(page, views.nth(i), k, "jupyterlab") for i, k in enumerate(KINDS)}
        assert page.js_errors == []
        yield shown


@pytest.fixture(scope="module")
def voila_views(browser, tmp_path_factory):
    with voila([LIVE_VIEWS], tmp_path_factory.mktemp("voila")) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        errors, outside = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "request",
            lambda r: r.url.startswith(("http", "ws")) and not r.url.startswith((url, url.replace(
                "http", "ws"))) and outside.append(r.url),
        )  # fmt: skip
        with contextlib.closing(context):
            page.goto(f"{url}/voila/render/{LIVE_VIEWS.name}", timeout=120_000)
            page.wait_for_function(
                "(n) => document.querySelectorAll('.rnnviz-view[data-drawn]').length === n",
                arg=len(KINDS),
                timeout=120_000,
            )
            views = page.locator(".rnnviz-view")
            shown = {k: walk(page, views.nth(i), k, "voila") for i, k in enumerate(KINDS)}
            fonts = page.evaluate(
                """() => [...document.querySelectorAll('.rnnviz-view *')].filter((e) =>
                     /awesome/i.test(getComputedStyle(e).fontFamily)
                     || /\\bfa-/.test(e.getAttribute('class') || '')).length"""
            )
            yield {"shown": shown, "errors": errors, "outside": outside, "fonts": fonts}


@pytest.fixture(scope="module")
def site_views(browser, site_url):
    shown = {}
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    with contextlib.closing(context):
        for kind in KINDS:
            page = context.new_page()
            page.goto(site_url + SITE_PAGES[kind])
            view = page.locator(f'.rnnviz-site-widget[data-kind="{kind}"]').first
            page.wait_for_function("(v) => v.dataset.ready", arg=view.element_handle())
            shown[kind] = walk(page, view, kind, "site")
            page.close()
    return shown


@pytest.mark.parametrize("kind", KINDS)
def test_jupyterlab_voila_and_the_website_show_the_same(lab_views, voila_views, site_views, kind):
    lab, app, site = lab_views[kind], voila_views["shown"][kind], site_views[kind]
    for i, setting in enumerate(SETTINGS[kind]):
        a, b, c = lab[i], app[i], site[i]
        assert {k: a["setting"][k] for k in setting} == setting, (kind, i)
        where = f"{kind}, setting {i}: {a['setting']}"
        for field in ("setting", "title", "readouts", "chain", "chainLabel", "notes"):
            assert a[field] == b[field] == c[field], f"{field} at {where}"
        assert a["traces"] == b["traces"] == c["traces"], f"figure data at {where}"
    assert len({str(s["traces"]) for s in lab}) == len(lab), "every setting draws another figure"
    assert all(s["title"] and s["traces"] and s["traces"][0]["x"] for s in lab), lab[0]
    assert kind == "heatmap" or all(s["readouts"] for s in lab)


def test_voila_works_offline(voila_views):
    """Voila's page asks a CDN for Font Awesome's stylesheets (its own template), which fails
    here; the views draw nothing with it, and nothing else leaves the machine."""
    assert voila_views["errors"] == []
    assert all("fontawesome" in url for url in voila_views["outside"]), voila_views["outside"]
    assert voila_views["fonts"] == 0
    print(f"Voila asked for {len(voila_views['outside'])} files elsewhere: "
          f"{voila_views['outside']}")  # fmt: skip
