"""Interactive widgets: controls wired to compute-then-draw functions.

Each widget is an ipywidgets VBox that displays itself; moving a control runs one pure
computation (`diagnostics`, `clipping`) and redraws the figures in place with the `draw_*`
functions of `plots`. The animation of the gradient travelling backward runs in the browser
(`GradientChain`, an anywidget whose JavaScript is the string below), so it plays at the
screen's frame rate without a round trip to the kernel per frame.

    GradientFlowExplorer()   the chain, ||dL/da<k>|| against k, and the readouts
    ClippingGeometry()       a 2-D gradient clipped by value and by norm
    ConnectivityHeatmap()    ||d y_hat<t> / d x<k>|| for every pair of steps
"""

import html as _html

import anywidget
import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import traitlets

from ._checks import check_choice, check_float, check_int
from .activations import ACTIVATIONS
from .cells import DTYPES, init_params
from .clipping import clip_by_global_norm, clip_by_value
from .diagnostics import explore
from .influence import connectivity
from .output import predict
from .plots import (
    chain_data,
    draw_clipping_geometry,
    draw_connectivity,
    draw_gradient_norms,
    fmt,
    plot_clipping_geometry,
    plot_connectivity,
    plot_gradient_norms,
    readouts,
)

N_X, N_Y = 4, 2  # inputs per step; two classes at the last step, e.g. "was" / "were"
CLIP_THRESHOLDS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
SPEEDS = (20, 30, 60)
LIMIT = 3.4  # half-width of the clipping-geometry view


def sequence(T, *, seed=0, n_x=N_X):
    """Seeded random inputs x of shape (T, n_x), N(0, 1).

    The first steps do not depend on T: x for T = 50 is the start of x for T = 51.
    """
    rng = np.random.default_rng((seed, 1))  # a stream apart from the one init_params uses
    return rng.standard_normal((T, n_x))


def surprising_label(params, x, *, activation):
    """The class the network rates least likely at the last step: y = argmin_i y_hat<T>_i.

    Scoring this label keeps an error to send back. With a label the network already predicts
    confidently, the softmax saturates and dL/da<T> is almost 0 (exactly 0 in float32), which
    hides what happens between the steps.
    """
    with np.errstate(invalid="ignore"):
        return int(np.argmin(predict(params, x, activation=activation)[-1]))


def gradient_flow(
    *, T=50, weight_scale=0.9, clip_threshold=None, activation="tanh", n_a=32, seed=0,
    dtype="float64",
):  # fmt: skip
    """Everything the explorer shows for one setting: `diagnostics.explore` on a seeded sequence.

    W_aa = weight_scale * Q with Q orthogonal, so sigma_max(W_aa) = weight_scale; the loss is the
    cross-entropy at the last step against `surprising_label`; clip_threshold (None: off) clips
    the whole parameter gradient by its global norm. Returns the dict of `explore`, without the
    connectivity map, which the explorer does not show (it is `ConnectivityHeatmap`'s view).
    """
    T = check_int("T", T, minimum=2)
    n_a = check_int("n_a", n_a)
    seed = check_int("seed", seed, minimum=0)
    weight_scale = check_float("weight_scale", weight_scale)
    check_choice("activation", activation, tuple(ACTIVATIONS))
    check_choice("dtype", dtype, tuple(DTYPES))
    if clip_threshold is not None:
        clip_threshold = check_float("clip_threshold", clip_threshold)
    params = init_params(N_X, n_a, N_Y, weight_scale=weight_scale, seed=seed, dtype=dtype)
    x = sequence(T, seed=seed).astype(dtype)
    y = surprising_label(params, x, activation=activation)
    return explore(params, x, y, activation=activation, max_norm=clip_threshold, sigma_points=20)


def clipping_geometry(g, clip_threshold):
    """A 2-D gradient g clipped by value and by norm, with the angles (degrees) and lengths."""
    g = np.asarray(g, dtype=np.float64)
    if g.shape != (2,) or not np.isfinite(g).all():
        raise ValueError(f"g == {g.tolist()}, must be two finite numbers")
    c = check_float("clip_threshold", clip_threshold)
    by_value = clip_by_value({"g": g}, c)["g"]
    by_norm = clip_by_global_norm({"g": g}, c)[0]["g"]
    out = {"g": g, "by_value": by_value, "by_norm": by_norm, "clip_threshold": c}
    for key in ("g", "by_value", "by_norm"):
        out["angle_" + key] = float(np.degrees(np.arctan2(out[key][1], out[key][0])))
        out["norm_" + key] = float(np.hypot(*out[key]))
    for key in ("by_value", "by_norm"):
        out["turn_" + key] = abs((out["angle_" + key] - out["angle_g"] + 180) % 360 - 180)
    return out


# --- shared parts ----------------------------------------------------------------------------


class FigureWidget(go.FigureWidget):
    """plotly's FigureWidget, robust to arrays the browser reports back as changed.

    After a redraw the browser sends the trace's computed defaults back to the kernel, and now
    and then a numpy array property among them as an object {"0": v0, "1": v1, ...}. plotly
    7.1 then tests `if not array` and raises ValueError in the kernel (its
    `_remove_overlapping_props`). The value the kernel holds is the one drawn, so such
    reports are dropped before plotly merges the rest.
    """

    @staticmethod
    def _remove_overlapping_props(input_data, delta_data, prop_path=()):
        _drop_array_reports(input_data, delta_data)
        return go.FigureWidget._remove_overlapping_props(input_data, delta_data, prop_path)


def _drop_array_reports(held, reported):
    if isinstance(held, dict) and isinstance(reported, dict):
        for key in list(reported):
            if isinstance(held.get(key), np.ndarray) and isinstance(reported[key], dict):
                del reported[key]
            elif key in held:
                _drop_array_reports(held[key], reported[key])


_STYLE = """<style>
.rnnviz { --jp-widgets-font-size: 18px; --jp-widgets-inline-height: 34px;
          --jp-widgets-inline-label-width: 190px; font-size: 18px; }
.rnnviz .widget-toggle-button { font-size: 18px; }
.rnnviz .widget-readout { min-width: 4.5em; font-size: 18px; }
.rnnviz .rnnviz-readout { font-size: 18px; line-height: 1.35; white-space: normal; width: 100%; }
.rnnviz .rnnviz-name { font-weight: bold; margin-top: 8px; }
.rnnviz .rnnviz-value { margin-left: 1em; overflow-wrap: anywhere; }
.rnnviz h3 { font-size: 22px; margin: 4px 0; }
</style>"""


_WRAP = {"flex_flow": "row wrap", "align_items": "flex-start"}
_READOUT = {"flex": "1 1 320px", "min_width": "320px", "margin": "40px 0 0 12px"}


def _fixed(figure):
    """The figure in a box as wide as the figure, so that the readouts fit beside it."""
    return widgets.Box([figure], layout={"width": f"{figure.layout.width + 10}px"})


def _table(rows):
    """The readouts {name: text} as HTML: each name in bold above its value."""
    body = "".join(
        f'<div class="rnnviz-name">{_html.escape(k)}</div>'
        f'<div class="rnnviz-value">{_html.escape(v)}</div>'
        for k, v in rows.items()
    )
    return f'<div class="rnnviz-readout">{body}</div>'


def _check_range(name, value, lo, hi):
    if not lo <= value <= hi:
        raise ValueError(f"{name} == {value!r}, must be in {lo}..{hi}")
    return value


def _int_range(name, value, minimum):
    """(lo, hi) integers with minimum <= lo < hi, or ValueError naming `name`."""
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValueError(f"{name} == {value!r}, must be a pair (lo, hi)")
    lo, hi = (check_int(name, v, minimum=minimum) for v in value)
    if lo >= hi:
        raise ValueError(f"{name} == {value!r}, lo must be < hi")
    return lo, hi


def _float_range(name, value):
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValueError(f"{name} == {value!r}, must be a pair (lo, hi)")
    lo, hi = (check_float(name, v) for v in value)
    if lo >= hi:
        raise ValueError(f"{name} == {value!r}, lo must be < hi")
    return lo, hi


def _int_slider(label, value, lo, hi):
    return widgets.IntSlider(value, min=lo, max=hi, description=label, layout={"width": "460px"})


def _float_slider(label, value, lo, hi, step):
    return widgets.FloatSlider(
        value, min=lo, max=hi, step=step, description=label, readout_format=".2f",
        layout={"width": "460px"},
    )  # fmt: skip


def _toggles(label, options, value):
    return widgets.ToggleButtons(
        options=options, value=value, description=label, style={"button_width": "100px"}
    )


class _Panel(widgets.VBox):
    """A heading, a grid of controls and the views; every control change calls `update`.

    The views are complete when made: a view may be drawn in the browser before any update
    that follows its creation arrives.
    """

    def _assemble(self, heading, controls, views):
        self.controls = controls
        grid = widgets.GridBox(
            list(controls.values()),
            layout={"grid_template_columns": "repeat(auto-fill, minmax(470px, 1fr))"},
        )
        header = widgets.HTML(f"{_STYLE}<h3>{_html.escape(heading)}</h3>")
        self.children = [header, grid, *views]
        self.add_class("rnnviz")
        for control in controls.values():
            control.observe(self.update, names="value")

    @property
    def settings(self):
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}


# --- the gradient chain, animated in the browser ---------------------------------------------

_CHAIN_ESM = r"""
const SVG = "http://www.w3.org/2000/svg";
function mk(tag, attrs, parent, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function render({ model, el }) {
  el.classList.add("rnnviz-chain");
  const bar = document.createElement("div");
  bar.className = "rnnviz-chain-bar";
  const button = (label, title, cls) => {
    const b = document.createElement("button");
    b.textContent = label; b.title = title; b.className = "rnnviz-button " + cls;
    bar.appendChild(b);
    return b;
  };
  const playBtn = button("▶ Play", "the gradient travels from step T to step 1", "rnnviz-play");
  const pauseBtn = button("❚❚ Pause", "stop the animation here", "rnnviz-pause");
  const stepBtn = button("◀ Step back", "move the gradient back one time step", "rnnviz-step");
  const allBtn = button("Show all", "show every step at once", "rnnviz-all");
  const speedLabel = document.createElement("label");
  speedLabel.textContent = "steps per second ";
  const speed = document.createElement("select");
  for (const v of model.get("speeds")) {
    const o = document.createElement("option");
    o.value = v; o.textContent = v; speed.appendChild(o);
  }
  speed.value = String(model.get("speed"));
  speedLabel.appendChild(speed);
  bar.appendChild(speedLabel);
  const svg = mk("svg", { class: "rnnviz-chain-svg", role: "img" });
  const status = document.createElement("div");
  status.className = "rnnviz-chain-status";
  status.setAttribute("aria-live", "polite");
  el.append(bar, svg, status);

  const uid = "rnnviz-" + Math.random().toString(36).slice(2);  // ids unique to this view
  const H = 322, TOP = 56, CELL = 24, BASE = 250, BAR = 140, LEFT = 20, RIGHT = 190;
  let data = model.get("chain"), cols = [], hi = null, hiLabel = null;
  let k = 0, frame = 0, version = 0, playing = false, raf = 0, due = 0, width = 0;
  const interval = () => 1000 / Number(model.get("speed"));
  const xOf = (i, dx) => LEFT + (i + 0.5) * dx;

  function attrs() {
    svg.dataset.step = k; svg.dataset.frame = frame; svg.dataset.version = version;
    svg.dataset.playing = playing ? "1" : "0"; svg.dataset.t = data ? data.T : 0;
  }

  const columnTitle = (i) =>
    `step ${i + 1}: ${data.quantity} = ${data.text[i]} = ${data.relative[i]} × ||dL/da<T>||`;

  function draw() {
    width = Math.max(el.clientWidth || 0, 640);
    if (!data || !data.T) { svg.replaceChildren(); cols = []; hi = null; return; }  // no data yet
    const T = data.T, dx = (width - LEFT - RIGHT) / T, bw = Math.max(1, Math.min(0.78 * dx, 44));
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${width} ${H}`);
    svg.setAttribute("height", H);
    svg.setAttribute("aria-label", `${data.quantity} for steps 1 to ${T}`);
    const defs = mk("defs", {}, svg);
    const head = mk("marker", { id: `${uid}-head`, viewBox: "0 0 10 10", refX: 9, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    mk("path", { d: "M0,0 L10,5 L0,10 z", fill: "#333" }, head);
    const grad = mk("linearGradient", { id: `${uid}-scale`, x1: 0, y1: 1, x2: 0, y2: 0 }, defs);
    const n = data.stops.length - 1;
    data.stops.forEach((c, i) => mk("stop", { offset: i / n, "stop-color": c }, grad));

    const x0 = xOf(0, dx), x1 = xOf(T - 1, dx);
    mk("line", { x1: x0, y1: 26, x2: x1, y2: 26, stroke: "#333", "stroke-width": 2,
      "marker-end": `url(#${uid}-head)` }, svg);
    mk("text", { x: x0, y: 18, class: "rnnviz-caption" }, svg,
      "forward pass: a<1> → a<2> → … → a<T>, left to right");
    mk("line", { x1: x1, y1: H - 22, x2: x0, y2: H - 22, stroke: "#D55E00", "stroke-width": 3,
      "marker-end": `url(#${uid}-head)` }, svg);
    mk("text", { x: x1, y: H - 4, "text-anchor": "end", class: "rnnviz-caption" }, svg,
      "← backward: the gradient dL/da<k> travels from step T to step 1");

    const every = [1, 2, 5, 10, 20, 25, 50, 100].find((n) => n * dx >= 40) || 100;
    cols = [];
    for (let i = 0; i < T; i++) {
      const x = xOf(i, dx), g = mk("g", { class: "rnnviz-col", "data-k": i + 1 }, svg);
      const s = data.state[i];
      mk("title", {}, g, columnTitle(i));
      mk("rect", { x: x - bw / 2, y: TOP, width: bw, height: CELL, rx: 3, fill: "#f2f2f2",
        stroke: "#333", "stroke-width": 1 }, g);
      if (bw >= 40) mk("text", { x: x, y: TOP + 19, "text-anchor": "middle" }, g, `a<${i + 1}>`);
      if (i < T - 1 && dx - bw >= 10)
        mk("line", { x1: x + bw / 2 + 1, y1: TOP + CELL / 2, x2: x + dx - bw / 2 - 2,
          y2: TOP + CELL / 2, stroke: "#333", "stroke-width": 1.5,
          "marker-end": `url(#${uid}-head)` }, svg);
      const h = s === "zero" ? 2 : Math.max(2, data.height[i] * BAR);
      const fill = s === "ok" ? data.color[i] : s === "zero" ? "#fff" : "#bbb";  // inf, NaN: grey
      mk("rect", { x: x - bw / 2, y: BASE - h, width: bw, height: h, fill: fill,
        stroke: "#222", "stroke-width": bw > 4 ? 1 : 0.4, class: "rnnviz-bar" }, g);
      if (s !== "ok" && bw >= 26)
        mk("text", { x: x, y: BASE - h - 6, "text-anchor": "middle" }, g, s === "zero" ? "0" : s);
      const last = i === T - 1 && (T % every) * dx >= 30;
      if ((i + 1) % every === 0 || (i === 0 && every >= 5) || last)
        mk("text", { x: x, y: BASE + 20, "text-anchor": "middle" }, svg, String(i + 1));
      cols.push(g);
    }
    if (data.overflow) {
      const band = data.state.findLastIndex((s) => s === "inf" || s === "NaN");
      mk("text", { x: LEFT + 4, y: TOP + CELL + 19, class: "rnnviz-overflow" }, svg,
        `${data.overflow.split(" (")[0]}: the full-height grey bars`).dataset.k = band + 1;
    }
    const lx = width - RIGHT + 40;
    mk("rect", { x: lx, y: BASE - BAR, width: 18, height: BAR, fill: `url(#${uid}-scale)`,
      stroke: "#333" }, svg);
    for (const [pos, label] of data.ticks)
      mk("text", { x: lx + 24, y: BASE - pos * BAR + 5 }, svg, label);
    mk("text", { x: lx - 30, y: BASE - BAR - 56 }, svg, "||dL/da<k>||");
    mk("text", { x: lx - 30, y: BASE - BAR - 37 }, svg, "÷ ||dL/da<T>||");
    mk("text", { x: lx - 30, y: BASE - BAR - 18 }, svg, "log scale");
    hi = mk("rect", { x: 0, y: TOP - 6, width: Math.max(dx, 6), height: BASE - TOP + 12,
      fill: "none", stroke: "#D55E00", "stroke-width": 3, rx: 4, visibility: "hidden" }, svg);
    hiLabel = mk("path", { d: "", fill: "#D55E00", visibility: "hidden" }, svg);
    reveal(true);
  }

  function reveal(all) {
    if (!hi) return;
    const T = data.T;
    if (all) cols.forEach((g, i) => g.setAttribute("opacity", k === 0 || i + 1 >= k ? 1 : 0.15));
    else if (k >= 1) cols[k - 1].setAttribute("opacity", 1);
    if (k === 0) {
      hi.setAttribute("visibility", "hidden"); hiLabel.setAttribute("visibility", "hidden");
      status.textContent = data.summary;
    } else {
      const dx = (width - LEFT - RIGHT) / T, x = xOf(k - 1, dx);
      hi.setAttribute("x", x - Math.max(dx, 6) / 2); hi.setAttribute("visibility", "visible");
      hiLabel.setAttribute("d", `M${x},${BASE + 26} l-9,14 h18 z`);
      hiLabel.setAttribute("visibility", "visible");
      const q = data.quantity.replace("<k>", `<${k}>`);
      const value = `${data.text[k - 1]} = ${data.relative[k - 1]} × ||dL/da<T>||`;
      status.textContent = `step k = ${k} of ${T}:  ${q} = ${value}`;
    }
    attrs();
  }

  function begin() { k = data.T; frame++; reveal(true); }
  function advance() {
    if (k > 1) { k--; frame++; reveal(false); }
    if (k <= 1) stop();
  }
  function stop() { playing = false; cancelAnimationFrame(raf); attrs(); }
  function tick(now) {
    if (!playing) return;
    if (now >= due - 4) {
      advance();
      due += interval();
      if (now - due > interval()) due = now + interval();
    }
    if (playing) raf = requestAnimationFrame(tick);
  }
  function play() {
    cancelAnimationFrame(raf);
    if (!cols.length) return;
    if (k <= 1) begin();
    playing = true; due = performance.now() + interval(); attrs();
    raf = requestAnimationFrame(tick);
  }
  playBtn.onclick = play;
  pauseBtn.onclick = stop;
  stepBtn.onclick = () => {
    stop();
    if (cols.length && k <= 1) begin();
    else if (cols.length) advance();
  };
  allBtn.onclick = () => { stop(); k = 0; reveal(true); };
  speed.onchange = () => { model.set("speed", Number(speed.value)); model.save_changes(); };

  const allOk = (d) => d.state.every((x) => x === "ok");
  function redrawBars(old) {
    // Same T, only finite bars before and after: change the bars in place (cheap).
    if (!old || old.T !== data.T || !cols.length || !allOk(old) || !allOk(data)
        || old.overflow !== data.overflow)
      return draw();
    cols.forEach((g, i) => {
      const h = Math.max(2, data.height[i] * BAR), bar = g.querySelector(".rnnviz-bar");
      bar.setAttribute("y", BASE - h); bar.setAttribute("height", h);
      bar.setAttribute("fill", data.color[i]);
      g.querySelector("title").textContent = columnTitle(i);
    });
    reveal(true);
  }
  const onData = () => {
    const old = data;
    data = model.get("chain"); version++;
    const wasPlaying = playing;
    if (wasPlaying) { k = data.T; frame++; } else k = 0;
    redrawBars(old);
    if (wasPlaying) { due = performance.now() + interval(); attrs(); }
  };
  const onSpeed = () => { speed.value = String(model.get("speed")); };
  model.on("change:chain", onData);
  model.on("change:speed", onSpeed);
  const resize = new ResizeObserver(() => {
    if (Math.abs(Math.max(el.clientWidth || 0, 640) - width) > 1) draw();
  });
  resize.observe(el);
  draw();
  return () => {
    cancelAnimationFrame(raf); resize.disconnect();
    model.off("change:chain", onData); model.off("change:speed", onSpeed);
  };
}
export default { render };
"""

_CHAIN_CSS = """
.rnnviz-chain { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 18px; color: #222; }
.rnnviz-chain-bar { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; margin: 6px 0; }
.rnnviz-chain .rnnviz-button { font-size: 18px; padding: 4px 14px; border: 2px solid #444;
  border-radius: 6px; background: #fff; color: #222; cursor: pointer; }
.rnnviz-chain .rnnviz-button:focus-visible { outline: 3px solid #0072B2; }
.rnnviz-chain select { font-size: 18px; }
.rnnviz-chain-svg { display: block; width: 100%; }
.rnnviz-chain-svg text { font-size: 16px; fill: #222; font-family: inherit; }
.rnnviz-chain-svg .rnnviz-caption { font-size: 17px; }
.rnnviz-chain-svg .rnnviz-overflow { font-size: 18px; font-weight: bold; }
.rnnviz-chain-status { font-size: 20px; min-height: 1.5em; margin: 2px 0 8px; }
"""


class GradientChain(anywidget.AnyWidget):
    """The unrolled network as a chain of steps, animated in the browser.

    `chain` is the dict of `plots.chain_data`; Play, Pause and Step move the gradient backward
    one time step per frame at `speed` steps per second, with requestAnimationFrame.
    """

    _esm = _CHAIN_ESM
    _css = _CHAIN_CSS
    chain = traitlets.Dict().tag(sync=True)
    speed = traitlets.Int(30).tag(sync=True)
    speeds = traitlets.List(list(SPEEDS)).tag(sync=True)


# --- the explorer ----------------------------------------------------------------------------


class GradientFlowExplorer(_Panel):
    """Watch the gradient shrink or grow as it travels backward through an unrolled RNN.

    Parameters (all keyword-only; each value must lie in its range)
    ----------
    T : int, sequence length, default 50, in T_range (default (2, 200))
    weight_scale : float, sigma_max(W_aa), default 0.9, in weight_scale_range (default (0.1, 3))
    clip_threshold : float or None (off), clipping of the whole gradient by its global norm
    activation : "tanh" (default), "sigmoid", "relu" or "linear"
    n_a : int, hidden size, default 32, in n_a_range (default (2, 64))
    seed : int, default 0, in seed_range (default (0, 20))
    dtype : "float64" (default) or "float32" (overflows sooner)
    weight_scale_step : float, the slider's step, default 0.01
    speed : steps per second of the animation, one of 20, 30, 60 (default 30)

    Attributes: `controls` (name -> widget), `figure` (FigureWidget), `chain` (GradientChain),
    `readout` (HTML), `result` (the dict of `gradient_flow` for the current setting).
    """

    def __init__(
        self, *, T=50, weight_scale=0.9, clip_threshold=None, activation="tanh", n_a=32, seed=0,
        dtype="float64", T_range=(2, 200), weight_scale_range=(0.1, 3.0), weight_scale_step=0.01,
        n_a_range=(2, 64), seed_range=(0, 20), speed=30,
    ):  # fmt: skip
        super().__init__()
        T_lo, T_hi = _int_range("T_range", T_range, 2)
        s_lo, s_hi = _float_range("weight_scale_range", weight_scale_range)
        n_lo, n_hi = _int_range("n_a_range", n_a_range, 1)
        seed_lo, seed_hi = _int_range("seed_range", seed_range, 0)
        step = check_float("weight_scale_step", weight_scale_step, maximum=s_hi - s_lo)
        check_choice("activation", activation, tuple(ACTIVATIONS))
        check_choice("dtype", dtype, tuple(DTYPES))
        check_choice("speed", speed, SPEEDS)
        thresholds = CLIP_THRESHOLDS
        if clip_threshold is not None:
            clip_threshold = check_float("clip_threshold", clip_threshold)
            thresholds = tuple(sorted(set(thresholds) | {clip_threshold}))
        controls = {
            "T": _int_slider("sequence length T", _check_range("T", check_int("T", T), T_lo, T_hi),
                             T_lo, T_hi),
            "weight_scale": _float_slider(
                "σ_max(W_aa)",
                _check_range("weight_scale", check_float("weight_scale", weight_scale), s_lo, s_hi),
                s_lo, s_hi, step,
            ),
            "clip_threshold": widgets.SelectionSlider(
                options=[("off", 0.0)] + [(fmt(c, 3), c) for c in thresholds],
                value=clip_threshold or 0.0, description="clip threshold c",
                layout={"width": "460px"},
            ),
            "activation": _toggles("activation g", list(ACTIVATIONS), activation),
            "n_a": _int_slider("hidden size n_a", _check_range("n_a", check_int("n_a", n_a), n_lo,
                               n_hi), n_lo, n_hi),
            "dtype": _toggles("precision", list(DTYPES), dtype),
            "seed": _int_slider("seed", _check_range("seed", check_int("seed", seed, minimum=0),
                                seed_lo, seed_hi), seed_lo, seed_hi),
        }  # fmt: skip
        s = self._setting(controls)
        self.result = r = gradient_flow(**s)
        c = s["clip_threshold"]
        # the chain first: its front end loads in a moment, the figure's (plotly.js) takes longer
        self.chain = GradientChain(chain=chain_data(r, clip_threshold=c), speed=speed)
        self.figure = FigureWidget(plot_gradient_norms(r, clip_threshold=c, title=_title(s)))
        self.readout = widgets.HTML(_table(readouts(r, clip_threshold=c)), layout=_READOUT)
        views = [self.chain, widgets.HBox([_fixed(self.figure), self.readout], layout=_WRAP)]
        self._assemble("Gradient flow through time: the loss sits at the last step T", controls,
                       views)  # fmt: skip

    @staticmethod
    def _setting(controls):
        s = {name: c.value for name, c in controls.items()}
        s["clip_threshold"] = s["clip_threshold"] or None
        return s

    @property
    def settings(self):
        """The current setting, as keyword arguments of `gradient_flow`."""
        return self._setting(self.controls)

    def update(self, change=None):
        """Recompute for the controls' values and redraw every view."""
        s = self.settings
        self.result = r = gradient_flow(**s)
        # the chain first: its redraw is cheap and would otherwise wait behind the plot's
        self.chain.chain = chain_data(r, clip_threshold=s["clip_threshold"])
        with self.figure.batch_update():
            draw_gradient_norms(self.figure, r, clip_threshold=s["clip_threshold"], title=_title(s))
        self.readout.value = _table(readouts(r, clip_threshold=s["clip_threshold"]))


def _title(s):
    """The explorer's figure title: the whole setting."""
    title = (
        f"{s['activation']}, T = {s['T']}, σ_max(W_aa) = {s['weight_scale']:.2f}, "
        f"n_a = {s['n_a']}, seed {s['seed']}, {s['dtype']}"
    )
    if s["clip_threshold"] is not None:
        title += f", clip c = {fmt(s['clip_threshold'])}"
    return title


# --- the siblings ----------------------------------------------------------------------------


class ClippingGeometry(_Panel):
    """A 2-D gradient g drawn as arrows: clipped by value it turns, clipped by norm it only shrinks.

    Parameters: g (two numbers, default (2.4, 0.9), each in -3..3), clip_threshold (default 1,
    in 0.1..3).
    """

    def __init__(self, *, g=(2.4, 0.9), clip_threshold=1.0):
        super().__init__()
        if not isinstance(g, tuple | list | np.ndarray) or len(g) != 2:
            raise ValueError(f"g == {g!r}, must be two numbers")
        g1, g2 = (_check_range("g", check_float("g", v, positive=False), -3, 3) for v in g)
        c = _check_range("clip_threshold", check_float("clip_threshold", clip_threshold), 0.1, 3)
        controls = {
            "g1": _float_slider("g₁", g1, -3.0, 3.0, 0.1),
            "g2": _float_slider("g₂", g2, -3.0, 3.0, 0.1),
            "clip_threshold": _float_slider("clip threshold c", c, 0.1, 3.0, 0.05),
        }
        self.result = clipping_geometry((g1, g2), c)
        self.figure = FigureWidget(plot_clipping_geometry(self.result, limit=LIMIT))
        self.readout = widgets.HTML(_clipping_table(self.result), layout=_READOUT)
        views = [widgets.HBox([_fixed(self.figure), self.readout], layout=_WRAP)]
        self._assemble("Clipping a gradient: by value or by norm", controls, views)

    def update(self, change=None):
        s = self.settings
        self.result = r = clipping_geometry((s["g1"], s["g2"]), s["clip_threshold"])
        with self.figure.batch_update():
            draw_clipping_geometry(self.figure, r, limit=LIMIT)
        self.readout.value = _clipping_table(r)


def _clipping_table(r):
    row = "length {:.2f}, angle {:.1f}°"
    return _table(
        {
            "g": row.format(r["norm_g"], r["angle_g"]),
            "clipped by value": row.format(r["norm_by_value"], r["angle_by_value"])
            + f": turned by {r['turn_by_value']:.1f}°",
            "clipped by norm": row.format(r["norm_by_norm"], r["angle_by_norm"])
            + f": turned by {r['turn_by_norm']:.1f}°, only shorter",
        }
    )


class ConnectivityHeatmap(_Panel):
    """||d y_hat<t> / d x<k>|| for every output step t and earlier input step k, log colours.

    Parameters: weight_scale (default 0.9, in 0.1..3), T (default 30, in 2..100),
    activation (default "tanh"), n_a (default 32), seed (default 0).
    """

    def __init__(self, *, weight_scale=0.9, T=30, activation="tanh", n_a=32, seed=0):
        super().__init__()
        check_choice("activation", activation, tuple(ACTIVATIONS))
        self._n_a, self._seed = check_int("n_a", n_a), check_int("seed", seed, minimum=0)
        controls = {
            "weight_scale": _float_slider(
                "σ_max(W_aa)",
                _check_range("weight_scale", check_float("weight_scale", weight_scale), 0.1, 3),
                0.1, 3.0, 0.05,
            ),
            "T": _int_slider("sequence length T", _check_range("T", check_int("T", T), 2, 100),
                             2, 100),
            "activation": _toggles("activation g", list(ACTIVATIONS), activation),
        }  # fmt: skip
        self.result = self._compute(**{k: c.value for k, c in controls.items()})
        self.figure = FigureWidget(plot_connectivity(self.result))
        self._assemble("Which inputs can each output still feel?", controls,
                       [self.figure])  # fmt: skip

    def _compute(self, *, weight_scale, T, activation):
        params = init_params(N_X, self._n_a, N_Y, weight_scale=weight_scale, seed=self._seed)
        return connectivity(params, sequence(T, seed=self._seed), activation=activation)

    def update(self, change=None):
        self.result = self._compute(**self.settings)
        with self.figure.batch_update():
            draw_connectivity(self.figure, self.result)
