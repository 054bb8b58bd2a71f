"""The website (`make site`): its numbers are the engine's, its pages are complete and offline.

The site's widgets run without a kernel on numbers the engine computed at build time. These
tests check that the stored numbers, and the results the page's model derives from them and
hands to each view's module (site/js/views.js, run in node), are exactly what the kernel sends
(float64, bit for bit) at sampled settings: the same module then draws the same view. And that
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
    thresholds = [v for v in data.GRID["explorer"]["clip_threshold"] if v is not None]
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
    n_g, n_c = len(stored["g"]), len(stored["c"])
    for i in range(n_g):
        chunk = payloads[f"clipping-{i}"]
        per_g, per_gc = data.from_f64(chunk["per_g"]), data.from_f64(chunk["per_gc"])
        assert per_g.size == 3 * n_g and per_gc.size == 6 * n_g * n_c
    rng = random.Random(2)
    sample = [((3.0, 0.6), 1.0), ((0.0, 0.0), 0.1), ((-3.0, 3.0), 3.0)] + [
        ((rng.choice(stored["g"]), rng.choice(stored["g"])), rng.choice(stored["c"]))
        for _ in range(300)
    ]
    for (g1, g2), c in sample:
        (total, angle_g, norm_g), got = data.clipping_setting(payloads, g1, g2, c)
        r = views.clipping_geometry((g1, g2), c)
        by_value, by_norm = data.clipped_vectors((g1, g2), c, total)
        where = f"g = ({g1}, {g2}), c = {c}"
        assert same(total, rv.global_norm({"g": np.array([g1, g2])})), where
        assert same([angle_g, norm_g], [r.angle_g, r.norm_g]), where
        want = [r.angle_by_value, r.norm_by_value, r.angle_by_norm, r.norm_by_norm,
                r.turn_by_value, r.turn_by_norm]  # fmt: skip
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


# --- the page's model gives each view's module the numbers the kernel would -------------------

NODE = r"""
// node check.js JS_DIR DATA_DIR REQUESTS OUT: site/js/views.js evaluated as the page evaluates it;
// for each request, the result the page's model hands the view's module
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const [jsDir, dataDir, requests, out] = process.argv.slice(2);
vm.runInThisContext(fs.readFileSync(path.join(jsDir, "views.js"), "utf8"));
const site = globalThis.rnnvizSite;
let received = null;
site.receive = (name, payload) => { received = [name, payload]; };
const load = (name) => {  // a data file, read as the page's <script> tag runs it
  vm.runInThisContext(fs.readFileSync(path.join(dataDir, `${name}.js`), "utf8"));
  if (received[0] !== name) throw new Error(`${name}.js says it is ${received[0]}`);
  return received[1];
};
const bases = {};
const chunks = {};
const answer = ({ kind, setting }) => {
  const numbers = site.views[kind];
  bases[kind] ??= numbers.base(load(kind));
  const parts = numbers.chunks(bases[kind], setting).map(
    (name) => (chunks[name] ??= numbers.chunk(load(name))),
  );
  return numbers.result(bases[kind], parts, setting);
};
// arrays as {"f64": base64} and numbers as float64 bytes: every bit survives, NaN and inf too
const f64 = (values) => ({ f64: Buffer.from(Float64Array.from(values).buffer).toString("base64") });
const replacer = (key, v) => {
  if (ArrayBuffer.isView(v)) return f64(v);
  return typeof v === "number" && key !== "" && !/^\d+$/.test(key) ? f64([v]) : v;
};
const answers = JSON.parse(fs.readFileSync(requests, "utf8")).map((q) => {
  if (q.files) {  // the data files the page loads for the setting
    bases[q.kind] ??= site.views[q.kind].base(load(q.kind));
    return [q.kind, ...site.views[q.kind].chunks(bases[q.kind], q.setting)];
  }
  const { setting, ...numbers } = answer(q);
  return { ...numbers, setting: JSON.stringify(setting) }; // the setting as it is
});
fs.writeFileSync(out, JSON.stringify(answers, (k, v) => replacer(k, v)));
"""


@pytest.fixture(scope="module")
def page_model(site, tmp_path_factory):
    """The results the page's model computes (site/js/views.js, as copied into the site), run
    in node, for a list of {kind, setting}."""
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


def decoded(value):
    if isinstance(value, dict) and set(value) == {"f64"}:
        return np.frombuffer(base64.b64decode(value["f64"]), "<f8")
    if isinstance(value, bytes):
        return np.frombuffer(value, "<f8")
    return value


def assert_same_result(page, kernel, where):
    """The page's result for a setting is the kernel's, field by field, float64 bit for bit."""
    for key, want in kernel.items():
        if key in ("title", "clip_threshold") and key not in page:
            continue  # a fixed view's fields: the page's views have a setting instead
        got, want = decoded(page[key]), decoded(want)
        if isinstance(want, np.ndarray):
            assert same(got, want), f"{key} at {where}: {got} != {want}"
        elif key == "setting":
            assert json.loads(got) == want, where
        elif isinstance(want, int | float) and not isinstance(want, bool):
            assert got.size == 1 and got[0] == want, f"{key} at {where}: {got} != {want}"
        else:
            assert got == want, f"{key} at {where}: {got!r} != {want!r}"


def test_the_page_gives_the_explorers_module_the_kernels_numbers(page_model):
    thresholds = [v for v in data.GRID["explorer"]["clip_threshold"] if v is not None]
    rng = random.Random(3)
    settings = [
        {"activation": a, "weight_scale": s, "T": T, "clip_threshold": c, **data.FIXED}
        for a, s, T in explorer_sample()
        for c in (None, rng.choice(thresholds))
    ]
    pages = page_model([{"kind": "explorer", "setting": s} for s in settings])
    for setting, page in zip(settings, pages, strict=True):
        kernel = views.flow_numbers(views.gradient_flow(**setting), setting=setting)
        assert_same_result(page, kernel, setting)


def test_the_page_gives_the_other_modules_the_kernels_numbers(page_model):
    from rnnviz.lessons import gated

    rng = random.Random(4)
    grid = data.GRID
    heat = [{"activation": a, "weight_scale": 0.9, "T": 30} for a in rv.ACTIVATIONS] + [
        {k: rng.choice(v) for k, v in grid["heatmap"].items()} for _ in range(12)
    ]
    clip = [{"g1": 3.0, "g2": 0.6, "clip_threshold": 1.0}, {"g1": 0.0, "g2": 0.0,
            "clip_threshold": 0.1}] + [{k: rng.choice(v) for k, v in grid["clipping"].items()}
                                       for _ in range(100)]  # fmt: skip
    cells = [{"T": 43, "update_bias": 0.0, "forget_bias": 1.0, "show": "all three"}] + [
        {k: rng.choice(v) for k, v in grid["cells"].items()} for _ in range(10)
    ]
    requests = [{"kind": k, "setting": s} for k, ss in
                (("heatmap", heat), ("clipping", clip), ("cells", cells)) for s in ss]  # fmt: skip
    pages = iter(page_model(requests))
    for s in heat:
        C = views.connectivity_map(**s)
        assert_same_result(next(pages), views.connectivity_numbers(C, setting=s), s)
    for s in clip:
        r = views.clipping_geometry((s["g1"], s["g2"]), s["clip_threshold"])
        assert_same_result(next(pages), views.clip_numbers(r, setting=s), s)
    x, y = gated.explorer_sentences()
    for s in cells:
        c = gated.cell_gradients(
            x[: s["T"]], y, update_bias=s["update_bias"], forget_bias=s["forget_bias"]
        )
        assert_same_result(next(pages), gated.cell_numbers(c, setting=s), s)


def test_pages_preload_the_files_their_views_start_with(site, page_model):
    """A page asks for its views' first files while it loads: those the views then read."""
    for path in notebook_pages(site).values():
        page = parse(path)
        specs = [json.loads(s.script.string) for s in page.select(".rnnviz-site-widget")]
        starts = [s for s in specs if s["kind"] in widgets.KINDS and "result" not in s]
        read = page_model([{"kind": s["kind"], "setting": s["setting"], "files": True}
                           for s in starts])  # fmt: skip
        wanted = list(dict.fromkeys(f"data/{n}.js" for names in read for n in names))
        preloaded = [link["href"] for link in page.select('link[rel="preload"]')]
        assert preloaded == wanted, path.name
        modules = [link["href"] for link in page.select('link[rel="modulepreload"]')]
        assert {f"static/{s['module']}" for s in specs if "module" in s} <= set(modules)


def test_data_files_are_small(site, payloads):
    """A move fetches at most a small file or two (a slow connection brings 200 kB a second)."""
    sizes = {f.stem: f.stat().st_size for f in (site / "data").glob("*.js")}
    assert max(sizes.values()) <= 64_000, max(sizes.items(), key=lambda kv: kv[1])
    grid = data.GRID["explorer"]
    chunks = [n for n in sizes if n.startswith("explorer-")]
    assert len(chunks) == len(grid["activation"]) * len(grid["weight_scale"])


def test_the_page_runs_the_modules_jupyterlab_runs(site):
    """One renderer: the site serves rnnviz/widgets/static as it is, and nothing else draws."""
    from rnnviz.widgets.live import STATIC

    for f in STATIC.glob("*.js"):
        assert (site / "static" / f.name).read_bytes() == f.read_bytes(), f.name
    assert not (site / "static" / "format.js").exists()
    page = (ROOT / "site" / "js" / "views.js").read_text(encoding="utf-8")
    for word in ("readout", "title", "Plotly", "fmt(", "annotations"):
        assert word not in page, f"site/js/views.js draws or words something: {word!r}"


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
    assert live["explorer"] == [  # 01's chain and 03's two fixed results: the explorer's module
        "01-backprop-through-time", "02-vanishing-gradients", *["03-exploding-gradients"] * 3,
        "04-gradient-clipping",
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
