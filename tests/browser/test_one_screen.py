"""Every live view fits one screen, from a classroom projector to a phone.

With a view's top at the top of the screen, its controls (those the class's moves touch), its
figure and its one-line result are all inside the screen, none overlapping another, the figure
not cut: in JupyterLab on a 1280x720 projector at 150 % zoom (853x480 CSS px, about 359 of them
notebook) and on a 1280x800 laptop, and on the website also on a 390x844 phone. The explorer is
checked at every move of its Move menu (the instructor card's), and at move 3 ("a flat line")
its y axis spans two decades with labelled ticks. Screenshots of each go to test-artifacts/.
"""

import json

import pytest
from labdriver import ARTIFACTS, LIVE_VIEWS, opened_notebook

from rnnviz import views

pytestmark = pytest.mark.browser

PROJECTOR = {"viewport": {"width": 853, "height": 480}, "device_scale_factor": 1.5}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2}
SETTLED = "(v) => !v.dataset.asked || v.dataset.asked === v.dataset.setting"

# The view at the top of its scrolling area; what of it is outside the visible part of that area,
# which of its parts overlap, and whether its figure is cut.
FIT = """(view) => {
  const scroller = view.closest('.jp-WindowedPanel-outer');
  const box = scroller ? scroller.getBoundingClientRect()
                       : {top: 0, bottom: innerHeight, left: 0, right: innerWidth};
  const parts = {
    controls: view.querySelector('.rnnviz-side > .rnnviz-controls'),
    moves: view.querySelector('.rnnviz-moves'),
    result: view.querySelector('.rnnviz-result'),
    stage: view.querySelector('.rnnviz-figure:not([hidden])')
      || view.querySelector('.rnnviz-chain-host:not([hidden])'),
  };
  const rects = Object.fromEntries(Object.entries(parts).filter(([, e]) => e)
    .map(([k, e]) => [k, e.getBoundingClientRect()]));
  const outside = Object.entries(rects).filter(([, r]) => r.height && (
    r.top < box.top - 1 || r.bottom > box.bottom + 1 || r.left < box.left - 1
    || r.right > box.right + 1)).map(([k, r]) =>
      `${k} at ${Math.round(r.top)}..${Math.round(r.bottom)} x ${Math.round(r.left)}..`
      + `${Math.round(r.right)}, screen ${Math.round(box.top)}..${Math.round(box.bottom)}`);
  const names = Object.keys(rects).filter((k) => rects[k].height);
  const overlaps = [];
  for (const [i, a] of names.entries()) for (const b of names.slice(i + 1)) {
    const p = rects[a], q = rects[b];
    const apart = p.right <= q.left + 1 || q.right <= p.left + 1
      || p.bottom <= q.top + 1 || q.bottom <= p.top + 1;
    if (!apart) overlaps.push(`${a} and ${b}`);
  }
  const card = view.querySelector('.rnnviz-figure:not([hidden])');
  const plot = card?.querySelector('.js-plotly-plot');
  const cut = card && (card.scrollWidth > card.clientWidth + 1
    || plot.getBoundingClientRect().right > card.getBoundingClientRect().right + 1);
  return {outside, overlaps, cut: !!cut, height: Math.round(view.getBoundingClientRect().height),
          screen: Math.round(box.bottom - box.top)};
}"""
TOP = "(v) => v.scrollIntoView({block: 'start'})"
# Labels that run into each other: the figure's tick labels (each axis and colour bar on its own)
# and the chain's step numbers, as pairs of the texts that overlap.
COLLISIONS = """(view) => {
  const groups = {};
  const add = (key, t) => {
    const r = t.getBoundingClientRect();
    if (r.width > 0 && t.textContent.trim()) (groups[key] ??= []).push([t.textContent, r]);
  };
  for (const plot of view.querySelectorAll('.js-plotly-plot')) {
    if (!plot.offsetParent) continue;  // hidden
    for (const t of plot.querySelectorAll('.xtick text, .ytick text, .cbaxis text'))
      add(t.closest('.xtick') ? 'x' : t.closest('.ytick') ? 'y' : 'colour bar', t);
  }
  for (const svg of view.querySelectorAll('svg.rnnviz-chain-svg')) {
    if (!svg.getBoundingClientRect().width) continue;
    for (const t of svg.querySelectorAll(':scope > text'))
      if (/^\\d+$/.test(t.textContent)) add('chain steps', t);
  }
  const found = [];
  for (const [key, labels] of Object.entries(groups))
    for (const [i, [a, p]] of labels.entries())
      for (const [b, q] of labels.slice(i + 1))
        if (p.left < q.right - 0.5 && q.left < p.right - 0.5 && p.top < q.bottom - 0.5
            && q.top < p.bottom - 0.5) found.push(`${key}: ${a} and ${b}`);
  return found;
}"""


def check(page, view, where, heights):
    view.evaluate(TOP)
    page.wait_for_timeout(400)  # a redraw at the new size, if the size changed
    page.wait_for_function(SETTLED, arg=view.element_handle())
    found = view.evaluate(FIT)
    heights.append(f"{where}: {found['height']} px in a screen of {found['screen']}")
    view.screenshot(path=str(ARTIFACTS / f"one-screen-{where}.png"))
    assert not found["outside"], f"{where}: outside the first screen: {found['outside']}"
    assert not found["overlaps"], f"{where}: overlapping: {found['overlaps']}"
    assert not found["cut"], f"{where}: the figure is cut"
    collisions = view.evaluate(COLLISIONS)
    assert not collisions, f"{where}: labels run together: {collisions}"


def walk_presets(page, view, where, heights):
    """Every move of the explorer's Move menu that the page offers, checked on one screen."""
    menu = view.locator("select.rnnviz-preset")
    options = menu.locator("option:not([value=''])")
    assert options.count() == len(views.PRESETS)
    for i in range(options.count()):
        option = options.nth(i)
        if option.is_disabled():  # a move off the website's grid (float32)
            assert "(in the notebook)" in option.inner_text()
            continue
        menu.select_option(option.get_attribute("value"))
        page.wait_for_function(SETTLED, arg=view.element_handle())
        label, moves = views.PRESETS[i]
        setting = json.loads(view.get_attribute("data-setting"))
        assert {k: setting[k] for k in moves} == moves, (label, setting)
        check(page, view, f"{where}-move{i + 1}", heights)
        show = view.locator(".rnnviz-show")
        if show.count():  # the chain at this move, then the figure again
            show.locator("input[value='chain']").check()
            collisions = view.evaluate(COLLISIONS)
            assert not collisions, f"{where}-move{i + 1}, chain: labels run together: {collisions}"
            show.locator("input[value='figure']").check()
            page.wait_for_function(SETTLED, arg=view.element_handle())
        if i == 2:  # "a flat line": at least two decades, labelled
            y = view.locator(".rnnviz-live-plot").evaluate("(p) => p.layout.yaxis")
            assert y["range"][1] - y["range"][0] >= 2, y["range"]
            assert len(y["ticktext"]) >= 2, y["ticktext"]
    view.locator(".rnnviz-reset").click()
    page.wait_for_function(SETTLED, arg=view.element_handle())


HEIGHTS = []


@pytest.mark.parametrize("screen", ["projector", "laptop"])
def test_every_live_view_fits_one_screen_in_jupyterlab(browser, lab, screen):
    options = {"projector": PROJECTOR, "laptop": LAPTOP}[screen]
    with opened_notebook(browser, lab, LIVE_VIEWS, **options) as page:
        views_ = page.locator(".rnnviz-view")  # (the file browser closed, as the guide says)
        for i in range(views_.count()):
            view = views_.nth(i)
            check(page, view, f"lab-{screen}-view{i}", HEIGHTS)
            if view.locator("select.rnnviz-preset").count():
                walk_presets(page, view, f"lab-{screen}-explorer", HEIGHTS)
        assert page.js_errors == []
    print("\n".join(h for h in HEIGHTS if h.startswith(f"lab-{screen}")))


PAGES = ["02-vanishing-gradients.html", "04-gradient-clipping.html", "06-gated-units.html"]


@pytest.mark.parametrize("screen", ["phone", "laptop"])
def test_every_live_view_fits_one_screen_on_the_website(browser, site_url, screen):
    options = {"phone": PHONE, "laptop": LAPTOP}[screen]
    context = browser.new_context(**options)
    try:
        for name in PAGES:
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(site_url + name)
            page.wait_for_function(
                "() => [...document.querySelectorAll('.rnnviz-site-widget')]"
                ".every((s) => s.dataset.ready)"
            )
            sections = page.locator(".rnnviz-site-widget.rnnviz-view")
            for i in range(sections.count()):
                view = sections.nth(i)
                where = f"site-{screen}-{name.split('-')[0]}-view{i}"
                check(page, view, where, HEIGHTS)
                if view.locator("select.rnnviz-preset").count():
                    walk_presets(page, view, f"{where}-explorer", HEIGHTS)
            assert errors == [], errors
            page.close()
    finally:
        context.close()
    print("\n".join(h for h in HEIGHTS if h.startswith(f"site-{screen}")))
