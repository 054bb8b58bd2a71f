"""The website (`make site`): its numbers are the engine's, its pages are complete and offline.

The site's widgets run without a kernel on numbers the engine computed at build time. These
tests check that the stored numbers, and those the page derives from them, are exactly the
engine's (float64, bit for bit) at sampled settings; that the page's JavaScript (site/js, run
in node) writes the same readouts, chain and figures as the widgets in JupyterLab; and that
every notebook has its page, with nothing loaded from outside the site.
"""

import base64
import json
import os
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup

import rnnviz as rv
from rnnviz import views

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from coursesite import build, data, widgets  # noqa: E402

SITE = ROOT / "build" / "site"
LIMIT = 25_000_000  # bytes: 25 MB


@pytest.fixture(scope="session")
def site():
    """build/site, built (or rebuilt, if anything it is made from changed) for these tests."""
    repository = os.environ.get("REPOSITORY") or None  # as `make site` builds it
    if not build.up_to_date(SITE, repository):
        build.build(SITE, repository)
    return SITE


@pytest.fixture(scope="session")
def payloads(site):
    out = {}
    for f in sorted((site / "data").glob("*.js")):
        name, payload = data.read_script(f.read_text(encoding="utf-8"))
        assert name == f.stem
        out[name] = payload
    return out


def same(a, b):
    """Equal as float64, bit for bit (NaN equal to NaN)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def explorer_sample(k=36, seed=0):
    rng = random.Random(seed)
    corners = [
        (a, s, T)
        for a in rv.ACTIVATIONS
        for s, T in ((data.EXPLORER_SIGMA[0], 2), (data.EXPLORER_SIGMA[-1], data.EXPLORER_T[-1]))
    ]
    notebooks = [("tanh", 0.9, 50), ("linear", 1.2, 50), ("tanh", 0.7, 50), ("sigmoid", 0.1, 200)]
    pick = lambda grid: rng.choice(list(grid))  # noqa: E731
    random_ = [
        (pick(rv.ACTIVATIONS), pick(data.EXPLORER_SIGMA), pick(data.EXPLORER_T)) for _ in range(k)
    ]
    return corners + notebooks + random_


# --- the stored numbers are the engine's --------------------------------------------------------


def test_explorer_numbers_are_the_engines(payloads):
    thresholds = [v for _, v in data.explorer_options()["clip"] if v]
    for activation, sigma, T in explorer_sample():
        stored = data.explorer_setting(payloads, activation, sigma, T)
        r = views.gradient_flow(T=T, weight_scale=sigma, activation=activation)
        where = f"{activation}, sigma_max {sigma}, T {T}"
        for name in ("grad_norm", "sigma", "sigma_k", "total_norm", "loss"):
            assert same(stored[name], getattr(r, name)), f"{name} at {where}"
        for name in ("sigma_max", "spectral_radius", "gamma"):
            assert same(stored[name], getattr(r, name)), f"{name} at {where}"
        # what the page derives: one multiplication or division each, as numpy does it
        g = stored["grad_norm"]
        assert same(g[-1] * stored["powers"][:T][::-1], r.bound), f"bound at {where}"
        ratio = g[0] / g[-1] if g[-1] > 0 else np.nan
        assert same(ratio, r.ratio), f"ratio at {where}"
        for c in rng_choice(thresholds, 3, seed=T):
            clipped = views.gradient_flow(
                T=T, weight_scale=sigma, activation=activation, clip_threshold=c
            )
            total = stored["total_norm"]
            factor = c / total if np.isfinite(total) and total > c else 1.0
            assert same(factor, clipped.clip_factor), f"clip factor at {where}, c {c}"
            assert same(g * factor, clipped.grad_norm_clipped), f"clipped at {where}, c {c}"


def rng_choice(values, k, seed):
    return random.Random(seed).sample(values, k)


def test_heatmap_numbers_are_the_engines(payloads):
    rng = random.Random(1)
    sigmas = data.heatmap_sigmas()
    sample = [(a, 0.9, 30) for a in rv.ACTIVATIONS] + [
        (rng.choice(list(rv.ACTIVATIONS)), rng.choice(sigmas), rng.choice(data.HEATMAP_T))
        for _ in range(24)
    ]
    for activation, sigma, T in sample:
        stored = data.heatmap_setting(payloads, activation, sigma, T)
        C = views.connectivity_map(weight_scale=sigma, T=T, activation=activation)
        assert same(stored, C), f"the map at {activation}, sigma_max {sigma}, T {T}"


def test_clipping_numbers_are_the_engines(payloads):
    stored = payloads["clipping"]
    per_g, per_gc = data.from_f64(stored["per_g"]), data.from_f64(stored["per_gc"])
    n_g, n_c = len(stored["g"]), len(stored["c"])
    assert per_g.size == 3 * n_g * n_g and per_gc.size == 4 * n_g * n_g * n_c
    rng = random.Random(2)
    sample = [((3.0, 0.6), 1.0), ((0.0, 0.0), 0.1), ((-3.0, 3.0), 3.0)] + [
        ((rng.choice(stored["g"]), rng.choice(stored["g"])), rng.choice(stored["c"]))
        for _ in range(300)
    ]
    for (g1, g2), c in sample:
        i = stored["g"].index(g1) * n_g + stored["g"].index(g2)
        j = i * n_c + stored["c"].index(c)
        total, angle_g, norm_g = per_g[3 * i : 3 * i + 3]
        r = views.clipping_geometry((g1, g2), c)
        by_value, by_norm = data.clipped_vectors((g1, g2), c, total)
        where = f"g = ({g1}, {g2}), c = {c}"
        assert same(total, rv.global_norm({"g": np.array([g1, g2])})), where
        assert same([angle_g, norm_g], [r.angle_g, r.norm_g]), where
        got = per_gc[4 * j : 4 * j + 4]
        want = [r.angle_by_value, r.norm_by_value, r.angle_by_norm, r.norm_by_norm]
        assert same(got, want), where
        assert same(by_value, r.by_value) and same(by_norm, r.by_norm), where


def test_gated_cells_numbers_are_the_engines(payloads):
    from rnnviz.lessons import gated

    x, y = gated.explorer_sentences()
    rng = random.Random(7)
    sample = [(43, 0.0, 1.0), (43, -3.0, 3.0), (5, -5.0, 5.0), (200, 5.0, -5.0)] + [
        (rng.choice(data.CELLS_T), rng.choice(data.CELLS_BIAS), rng.choice(data.CELLS_BIAS))
        for _ in range(12)
    ]
    for T, b_u, b_f in sample:
        stored = data.cells_setting(payloads, T, b_u, b_f)
        curves = gated.cell_gradients(x[:T], y, update_bias=b_u, forget_bias=b_f)
        for key, value in curves.items():
            assert same(stored[key], value), f"{key} at T {T}, b_u {b_u}, b_f {b_f}"


# --- the page's JavaScript writes what the widgets write ----------------------------------------

NODE = r"""
// node check.js JS_DIR DATA_DIR REQUESTS OUT: site/js evaluated as the page evaluates it
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const [jsDir, dataDir, requests, out] = process.argv.slice(2);
for (const f of ["format.js", "views.js"])
  vm.runInThisContext(fs.readFileSync(path.join(jsDir, f), "utf8"));
const site = globalThis.rnnvizSite;
const store = {};
site.receive = (name, payload) => { store[name] = payload; };
const load = (name) => {
  if (!(name in store))
    vm.runInThisContext(fs.readFileSync(path.join(dataDir, `${name}.js`), "utf8"));
  return store[name];
};
const tables = {};
const answer = (q) => {
  if (q.kind === "explorer") {
    const base = load("explorer");
    const key = `explorer-${q.activation}`;
    tables[key] ??= site.explorerTable(base, load(key).values, load(key).powers);
    const i = base.sigma.indexOf(q.sigma), j = base.T.indexOf(q.T);
    const r = site.gradientFlow(tables[key], q.activation, i, j, q.clip);
    const s = { activation: q.activation, T: q.T, weight_scale: q.sigma,
                clip_threshold: q.clip, ...base.fixed };
    return {
      readout: site.readoutTable(site.readouts(r, q.clip)),
      chain: site.chainData(r, q.clip, base.viridis, base.chain_log_range),
      figure: site.drawGradientNorms(q.figure, r, q.clip, site.explorerTitle(s)),
    };
  }
  if (q.kind === "clipping") {
    const b = load("clipping");
    const db = { g: b.g, c: b.c, perG: site.f64(b.per_g), perGC: site.f64(b.per_gc) };
    const r = site.clippingGeometry(db, b.g.indexOf(q.g[0]), b.g.indexOf(q.g[1]), b.c.indexOf(q.c));
    return {
      vectors: [r.by_value, r.by_norm],
      readout: site.readoutTable(site.clippingReadouts(r)),
      figure: site.drawClippingGeometry(q.figure, r, q.limit),
    };
  }
  if (q.kind === "heatmap") {
    const base = load("heatmap");
    const key = `heatmap-${q.activation}`;
    tables[key] ??= site.heatmapTable(base, load(key).values);
    const C = site.connectivityMap(tables[key], base.sigma.indexOf(q.sigma), base.T.indexOf(q.T));
    const [heat] = q.figure.data;
    return { C, figure: site.drawConnectivity(q.figure, C, heat.zmin, heat.zmax) };
  }
  if (q.kind === "cells") {
    tables.cells ??= site.cellsTable(load("cells"));
    const c = site.cellCurves(tables.cells, tables.cells.base.T.indexOf(q.T), q.b_u, q.b_f);
    return {
      readout: site.readoutTable(site.cellReadouts(c, q.reach)),
      figure: site.drawCellGradients(q.figure, c, q.show, q.cells),
    };
  }
  if (q.kind === "format")
    return q.values.map((v) => q.spec === "f" ? site.formatF(Number(v), q.digits)
                                              : site.formatG(Number(v), q.digits));
  throw new Error(q.kind);
};
const replacer = (_, v) => {
  if (ArrayBuffer.isView(v)) return Array.from(v);
  return typeof v === "number" && !Number.isFinite(v) ? String(v) : v;  // NaN, inf: not JSON
};
fs.writeFileSync(out, JSON.stringify(JSON.parse(fs.readFileSync(requests, "utf8")).map(answer),
                                     replacer));
"""


@pytest.fixture(scope="module")
def page_js(site, tmp_path_factory):
    """Answers from site/js (as copied into the site) for a list of requests, run in node."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed (make test installs Biome with npm, which comes with node)")
    work = tmp_path_factory.mktemp("node")
    (work / "check.js").write_text(NODE, encoding="utf-8")

    def ask(requests):
        (work / "requests.json").write_text(json.dumps(requests), encoding="utf-8")
        subprocess.run(
            [node, work / "check.js", site / "static", site / "data", work / "requests.json",
             work / "answers.json"],
            check=True,
        )  # fmt: skip
        return json.loads((work / "answers.json").read_text(encoding="utf-8"))

    return ask


def number(v):
    return {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}.get(v, v)


def numbers(values):
    """A plotly array (a list, or {"dtype", "bdata"}) as float64, None as NaN."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"])
    values = [] if values is None else values
    return np.array([np.nan if v is None else number(v) for v in values], np.float64)


def test_format_writes_numbers_as_python(page_js):
    rng = random.Random(3)
    values = [0.125, 2.5, 9.5, 0.375, 99.5, 1e21, 1e-5, 5e-324, -0.0, 0.0, -2.5, 1 / 3]
    values += [rng.uniform(-10, 10) * 10 ** rng.randint(-30, 30) for _ in range(3000)]
    values += [k / 2**j for k in range(1, 200) for j in range(10)]  # many exact ties
    specs = [("g", 1), ("g", 2), ("g", 3), ("g", 6), ("f", 1), ("f", 2)]
    requests = [{"kind": "format", "spec": k, "digits": p, "values": [repr(v) for v in values]}
                for k, p in specs]  # fmt: skip
    for (k, p), got in zip(specs, page_js(requests), strict=True):
        want = [format(v, f".{p}{k}") for v in values]
        wrong = [(v, w, g) for v, w, g in zip(values, want, got, strict=True) if w != g]
        assert not wrong, f"{k}{p}: (value, Python, page) {wrong[:5]}"


def test_explorer_page_writes_what_the_widget_writes(page_js):
    start = json.loads(rv.GradientFlowExplorer().figure.to_json())  # the page redraws a figure
    thresholds = [None] + [v for _, v in data.explorer_options()["clip"] if v]
    rng = random.Random(4)
    sample = [(a, s, T, rng.choice(thresholds)) for a, s, T in explorer_sample(24, seed=5)]
    requests = [
        {"kind": "explorer", "activation": a, "sigma": s, "T": T, "clip": c, "figure": start}
        for a, s, T, c in sample
    ]
    for (a, s, T, c), got in zip(sample, page_js(requests), strict=True):
        where = f"{a}, sigma_max {s}, T {T}, c {c}"
        w = rv.GradientFlowExplorer(T=T, weight_scale=s, clip_threshold=c, activation=a)
        assert got["readout"] == w.readout.value, where
        chain = dict(w.chain.chain, ticks=[list(t) for t in w.chain.chain["ticks"]])
        for key, value in chain.items():
            assert got["chain"][key] == value, f"chain {key} at {where}"
        check_figure(w.figure.to_dict(), got["figure"], where)


def check_figure(want, got, where):
    """The traces shown, their names, and what draw_gradient_norms sets in the layout."""
    for i, (w, g) in enumerate(zip(want["data"], got["data"], strict=True)):
        assert w.get("visible") == g.get("visible"), f"trace {i} visible at {where}"
        if w.get("visible") is False:
            continue
        assert same(numbers(w.get("x")), numbers(g.get("x"))), f"trace {i} x at {where}"
        assert same(numbers(w.get("y")), numbers(g.get("y"))), f"trace {i} y at {where}"
        assert w.get("name") == g.get("name"), f"trace {i} name at {where}"
        if w.get("text") is not None:
            assert list(w["text"]) == g["text"], f"trace {i} text at {where}"
    wl, gl = want["layout"], got["layout"]
    assert wl["title"]["text"] == gl["title"]["text"], where
    assert same(wl["xaxis"]["range"], gl["xaxis"]["range"]), where
    assert list(wl["yaxis"]["ticktext"]) == gl["yaxis"]["ticktext"], where
    # tick positions: 10^k as numpy's power rounds it and as the decimal literal "1e-5" reads
    np.testing.assert_allclose(
        numbers(wl["yaxis"]["tickvals"]), numbers(gl["yaxis"]["tickvals"]), 1e-15
    )
    for i, (w, g) in enumerate(zip(wl["annotations"], gl["annotations"], strict=True)):
        if w.get("visible", True):
            assert (w["text"], w.get("x")) == (g["text"], g.get("x")), f"note {i} at {where}"
    for i, (w, g) in enumerate(zip(wl["shapes"], gl["shapes"], strict=True)):
        assert w.get("visible") == g.get("visible"), f"shape {i} at {where}"


def test_clipping_page_writes_what_the_widget_writes(page_js, payloads):
    widget = rv.ClippingGeometry()
    start, limit = json.loads(widget.figure.to_json()), widget.figure.layout.xaxis.range[1]
    stored = payloads["clipping"]
    rng = random.Random(6)
    sample = [((3.0, 0.6), 1.0), ((0.0, -2.4), 0.2)] + [
        ((rng.choice(stored["g"]), rng.choice(stored["g"])), rng.choice(stored["c"]))
        for _ in range(150)
    ]
    requests = [
        {"kind": "clipping", "g": list(g), "c": c, "figure": start, "limit": limit}
        for g, c in sample
    ]
    for (g, c), got in zip(sample, page_js(requests), strict=True):
        where = f"g = {g}, c = {c}"
        w = rv.ClippingGeometry(g=g, clip_threshold=c)
        assert got["readout"] == w.readout.value, where
        assert same(got["vectors"], [w.result.by_value, w.result.by_norm]), where
        want = w.figure.to_dict()
        for wt, gt in zip(want["data"], got["figure"]["data"], strict=True):
            assert same(numbers(wt["x"]), gt["x"]) and same(numbers(wt["y"]), gt["y"]), where
            assert list(wt["text"]) == gt["text"], where
        assert want["layout"]["title"]["text"] == got["figure"]["layout"]["title"]["text"]
        for ws, gs in zip(want["layout"]["shapes"], got["figure"]["layout"]["shapes"], strict=True):
            assert [ws[k] for k in ("x0", "y0", "x1", "y1")] == [
                gs[k] for k in ("x0", "y0", "x1", "y1")
            ]


def test_heatmap_page_writes_what_the_widget_writes(page_js):
    start = json.loads(rv.ConnectivityHeatmap().figure.to_json())
    sample = [(a, s, T) for a in rv.ACTIVATIONS for s in (0.1, 0.9, 3.0) for T in (5, 30, 50)]
    requests = [
        {"kind": "heatmap", "activation": a, "sigma": s, "T": T, "figure": start}
        for a, s, T in sample
    ]
    for (a, s, T), got in zip(sample, page_js(requests), strict=True):
        where = f"{a}, sigma_max {s}, T {T}"
        w = rv.ConnectivityHeatmap(weight_scale=s, T=T, activation=a)
        assert same(got["C"], w.result), where
        want, heat = w.figure.to_dict(), got["figure"]["data"][0]
        grid = lambda rows: np.array([numbers(r) for r in rows])  # noqa: E731
        # the numbers shown on hover are the engine's; the colour is log10 of them, which the
        # browser's log10 may round one unit in the last place away from numpy's
        assert same(grid(want["data"][0]["customdata"]), grid(heat["customdata"])), where
        np.testing.assert_allclose(grid(want["data"][0]["z"]), grid(heat["z"]), rtol=4e-16)
        assert list(want["data"][0]["colorbar"]["ticktext"]) == heat["colorbar"]["ticktext"]
        assert want["layout"]["title"]["text"] == got["figure"]["layout"]["title"]["text"]


def test_gated_cells_page_writes_what_the_widget_writes(page_js):
    from rnnviz.lessons import gated

    start = json.loads(gated.CellExplorer().figure.to_json())
    cells = {k: list(v) for k, v in gated.SHOW.items()}
    rng = random.Random(8)
    sample = [(43, 0.0, 1.0, "all three"), (200, -5.0, 5.0, "LSTM")] + [
        (rng.choice(data.CELLS_T), rng.choice(data.CELLS_BIAS), rng.choice(data.CELLS_BIAS),
         rng.choice(list(cells)))
        for _ in range(10)
    ]  # fmt: skip
    requests = [
        {"kind": "cells", "T": T, "b_u": u, "b_f": f, "show": show, "figure": start,
         "cells": cells, "reach": gated.REACH_LABELS}
        for T, u, f, show in sample
    ]  # fmt: skip
    for (T, u, f, show), got in zip(sample, page_js(requests), strict=True):
        where = f"T {T}, b_u {u}, b_f {f}, {show}"
        w = gated.CellExplorer(T=T, update_bias=u, forget_bias=f, show=show)
        assert got["readout"] == w.readout.value, where
        want = w.figure.to_dict()
        for i, (wt, gt) in enumerate(zip(want["data"], got["figure"]["data"], strict=True)):
            assert wt.get("visible") == gt.get("visible"), f"trace {i} at {where}"
            assert same(numbers(wt["x"]), numbers(gt["x"])), f"trace {i} x at {where}"
            assert same(numbers(wt["y"]), numbers(gt["y"])), f"trace {i} y at {where}"
        wl, gl = want["layout"], got["figure"]["layout"]
        assert wl["title"]["text"] == gl["title"]["text"], where
        assert list(wl["yaxis"]["ticktext"]) == gl["yaxis"]["ticktext"], where
        np.testing.assert_allclose(wl["yaxis"]["range"], gl["yaxis"]["range"], rtol=1e-15)


# --- the pages ----------------------------------------------------------------------------------


def notebook_pages(site):
    return {p.stem: site / f"{p.stem}.html" for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}


def parse(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_notebook_has_a_page_with_its_links(site):
    pages = notebook_pages(site)
    index = {a["href"] for a in parse(site / "index.html").find_all("a")}
    stems = list(pages)
    for i, (stem, path) in enumerate(pages.items()):
        assert path.exists(), f"no page for {stem}"
        assert f"{stem}.html" in index, f"the contents page does not link {stem}"
        page = parse(path)
        links = {a["href"] for a in page.find_all("a", href=True)}
        assert f"notebooks/{stem}.ipynb" in links, f"{stem}: no link to the notebook file"
        assert (site / "notebooks" / f"{stem}.ipynb").exists()
        assert "index.html" in links and "make lab" in page.get_text()
        prev = {a["href"] for a in page.find_all("a", rel="prev")}
        next_ = {a["href"] for a in page.find_all("a", rel="next")}
        assert prev == ({f"{stems[i - 1]}.html"} if i else set()), stem
        assert next_ == ({f"{stems[i + 1]}.html"} if i + 1 < len(stems) else set()), stem
        others = [h for h in links if re.fullmatch(r"\d\d-[\w-]+\.ipynb", h)]
        assert not others, f"{stem} links notebook files instead of their pages: {others}"


def test_the_course_can_be_downloaded_to_run_it(site):
    """Every page points to one zip of the course, which holds what `make lab` needs."""
    with zipfile.ZipFile(site / build.COURSE_ZIP) as archive:
        names = set(archive.namelist())
        assert archive.testzip() is None
    needed = ["Makefile", "pyproject.toml", "environment.yml", "README.md", "rnnviz/__init__.py",
              "lab-settings/overrides.json"]  # fmt: skip
    needed += [f"notebooks/{stem}.ipynb" for stem in notebook_pages(site)]
    missing = [n for n in needed if f"rnnviz/{n}" not in names]
    assert not missing, f"{build.COURSE_ZIP} lacks {missing}"
    assert not [n for n in names if "__pycache__" in n or n.startswith("rnnviz/build/")]
    for path in [site / "index.html", *notebook_pages(site).values()]:
        links = {a["href"] for a in parse(path).find_all("a", href=True)}
        assert build.COURSE_ZIP in links, f"{path.name} does not link the course's zip"


def test_the_sites_plotly_js_is_plotly_pys_own():
    """The cartesian bundle from npm is the plotly.js version plotly.py writes figures for."""
    from plotly.offline import get_plotlyjs_version

    bundle = json.loads((build.PLOTLY_JS.parent / "package.json").read_text(encoding="utf-8"))
    assert bundle["version"] == get_plotlyjs_version()


def test_pages_show_no_test_markers(site):
    for path in notebook_pages(site).values():
        assert "NBVAL" not in parse(path).get_text(), f"{path.name} shows a test marker"


def test_pages_load_nothing_from_outside(site):
    for path in [site / "index.html", *notebook_pages(site).values()]:
        page = parse(path)
        loads = [t.get("src") or t.get("href") for t in page.find_all(["script", "link", "img"])]
        loads = [u for u in loads if u and not u.startswith("data:")]
        outside = [u for u in loads if re.match(r"(https?:)?//", u)]
        assert not outside, f"{path.name} loads {outside}"
        for url in loads:
            assert (site / url).exists(), f"{path.name} loads {url}, which the site lacks"
        assert "window.PlotlyConfig" not in path.read_text(encoding="utf-8"), path.name


def test_site_is_small(site):
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    assert size <= LIMIT, f"the site is {size / 1e6:.1f} MB, more than {LIMIT / 1e6:.0f} MB"


def test_every_widget_is_live_or_points_to_the_notebook(site):
    """Every widget of the course runs kernel-free; exercise checks say they need Python."""
    live, needs = {}, {}
    for stem, path in notebook_pages(site).items():
        text = path.read_text(encoding="utf-8")
        for kind in re.findall(r'class="rnnviz rnnviz-site-widget" data-kind="(\w+)"', text):
            live.setdefault(kind, []).append(stem)
        needs[stem] = text.count('rnnviz-needs-kernel"')
        nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        checks = sum(bool(re.search(r"\brv\.check_\w+\(", c)) for c in code)
        assert text.count("<strong>Exercise</strong>") == checks, stem
    assert sorted(live) == ["cells", "clipping", "explorer", "heatmap", "quiz"]
    assert live["explorer"] == [
        "02-vanishing-gradients", "03-exploding-gradients", "04-gradient-clipping"
    ]  # fmt: skip
    assert needs["06-gated-units"] == 1  # the GRU exercise


def test_quiz_gives_the_widgets_feedback(site):
    text = (site / "05-wrap-up.html").read_text(encoding="utf-8")
    found = re.search(
        r'data-kind="quiz".*?<script type="application/json">(.*?)</script>', text, re.S
    )
    spec = json.loads(found.group(1))
    names = [q["name"] for q in spec["questions"]]
    for i, q in enumerate(spec["questions"]):
        for j, choice in enumerate(q["choices"]):
            quiz = rv.Quiz(names)
            quiz.buttons[q["name"]].value = j
            assert choice["feedback"] == quiz.children[3 * i + 2].value
    answers = {q["name"]: 0 for q in spec["questions"]}
    right = sum(q["choices"][0]["right"] for q in spec["questions"])
    assert f"Score: {right} of {len(names)} ({len(names)} answered)" in widgets.check_quiz_score(
        names, answers
    )
