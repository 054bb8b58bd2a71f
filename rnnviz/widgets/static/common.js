// What every live view of the course shares: numbers as text, the figure style, plotly.js loaded
// once per page, the controls, the readouts, the card a figure sits on.
//
// A view is an anywidget module, render({ model, el }). Its model holds `spec` (the controls, as
// rnnviz.widgets.settings declares them), `setting` (the controls' values, which the view sets)
// and `result` (the numbers the engine computed for a setting, arrays as float64 bytes). In
// JupyterLab and Voila the kernel fills `result`; on the website a model in the page does.

// --- numbers as text, as the notebooks print them: f"{x:.2g}", f"{x:.1f}" -------------------

// JavaScript rounds a tie (a value exactly halfway, as 0.125 to two digits) away from zero,
// Python to the even digit; a tie is found in the exact decimal expansion (toPrecision(100)).
function isTie(x, kept) {
  const digits = Math.abs(x)
    .toPrecision(100)
    .replace(/e.*$/, "")
    .replace(".", "")
    .replace(/^0+/, "");
  return digits[kept] === "5" && /^0*$/.test(digits.slice(kept + 1));
}

// [sign, p digits, exponent of the first digit], rounded half to even
function scientific(x, p) {
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  const [mantissa, exponent] = a.toExponential(p - 1).split("e");
  let digits = mantissa.replace(".", "");
  let e = Number(exponent);
  if (isTie(a, p)) {
    const exact = a.toExponential(Math.min(p + 20, 100));
    const truncated = exact.replace(".", "").slice(0, p);
    if (Number(truncated[p - 1]) % 2 === 0) {
      digits = truncated;
      e = Number(exact.split("e")[1]);
    }
  }
  return [sign, digits, e];
}

// f"{x:.{p}g}"
export function formatG(x, p = 6) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [sign, digits, e] = scientific(x, p || 1);
  const trim = (t) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
  if (e >= -4 && e < (p || 1)) {
    const text =
      e >= 0
        ? `${digits.slice(0, e + 1).padEnd(e + 1, "0")}.${digits.slice(e + 1)}`
        : `0.${"0".repeat(-e - 1)}${digits}`;
    return sign + trim(text);
  }
  const exponent = `${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return `${sign}${trim(`${digits[0]}.${digits.slice(1)}`)}e${exponent}`;
}

// f"{x:.{p}f}"
export function formatF(x, p) {
  if (!Number.isFinite(x)) return formatG(x);
  const a = Math.abs(x);
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  let text = a.toFixed(p);
  const exact = a.toFixed(100);
  const point = exact.indexOf(".");
  const rest = exact.slice(point + 1 + p);
  if (rest[0] === "5" && /^0*$/.test(rest.slice(1))) {
    const truncated = exact.slice(0, p ? point + 1 + p : point);
    if (Number(truncated.replace(".", "").slice(-1)) % 2 === 0) text = truncated;
  }
  return sign + text;
}

// a number as short text: 3.1e-05, 0.9, inf, NaN
export function fmt(value, digits = 2) {
  if (Number.isNaN(value)) return "NaN";
  return formatG(value, digits);
}

const SUPERSCRIPT = {
  "-": "⁻",
  0: "⁰",
  1: "¹",
  2: "²",
  3: "³",
  4: "⁴",
  5: "⁵",
  6: "⁶",
  7: "⁷",
  8: "⁸",
  9: "⁹",
};
// 10^k as text: 1, 10, 10³, 10⁻¹²
export function powerOfTen(k) {
  if (k === 0) return "1";
  if (k === 1) return "10";
  return `10${[...String(k)].map((c) => SUPERSCRIPT[c]).join("")}`;
}

export const atStep = (quantity, k) => quantity.replace("<k>", `<${k}>`);

export const escapeHtml = (text) =>
  String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

// the lecture's angle brackets in plotly's pseudo-HTML: a<t> -> a&lt;t&gt;
export const html = (text) => text.replace(/<(k|t|T|1|2|j|t-1|k\+1)>/g, "&lt;$1&gt;");

// --- the engine's numbers ----------------------------------------------------------------------

// float64 values from the kernel (bytes: a DataView) or from the page (a Float64Array)
export function f64(value) {
  if (value instanceof Float64Array) return value;
  if (value instanceof DataView || value instanceof Uint8Array) {
    const copy = value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
    return new Float64Array(copy); // little-endian, as every browser platform is
  }
  if (value instanceof ArrayBuffer) return new Float64Array(value.slice(0));
  if (Array.isArray(value)) return Float64Array.from(value);
  throw new TypeError(`not float64 numbers: ${value}`);
}

// one float64 number
export const num = (value) => (typeof value === "number" ? value : f64(value)[0]);

// values for a log axis: inf, NaN and 0 become NaN (gaps, flagged elsewhere)
export const positive = (values) =>
  Array.from(values, (v) => (Number.isFinite(v) && v > 0 ? v : Number.NaN));

// --- the figure style: a classroom projector, colour-blind-safe --------------------------------

export const COLORS = {
  black: "#000000",
  orange: "#E69F00",
  sky: "#56B4E9",
  green: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  purple: "#CC79A7",
};
// text in a series colour on white: the palette's orange is 2.2:1, this shade of it 4.9:1
export const TEXT_COLORS = { ...COLORS, orange: "#996600" };
export const SMALL = 16; // tick labels, legends, hover boxes: the smallest text on a figure
const FONT = { family: "DejaVu Sans, Arial, sans-serif", size: 18, color: "#222" };
const AXIS = {
  tickfont: { size: SMALL },
  showline: true,
  linecolor: "#444",
  mirror: true,
  gridcolor: "#EBF0F8",
  zerolinecolor: "#EBF0F8",
  automargin: true,
};

// plotly's white template with the course's fonts; `extra` overrides, axes merged
// A title that fits `width`: as large as fits (18 px at most), on two lines (broken at the
// comma nearest the middle) rather than smaller than 13 px.
export function fitTitle(text, width) {
  const room = width - 24;
  const at = (size, t) => 0.62 * size * plain(t).length;
  const size = Math.max(13, Math.min(18, Math.floor(room / at(1, text))));
  if (at(size, text) <= room) return { text, size, lines: 1 };
  const commas = [...text.matchAll(/, /g)].map((m) => m.index);
  if (!commas.length) return { text, size, lines: 1 };
  const i = commas.reduce((a, b) =>
    Math.abs(b - text.length / 2) < Math.abs(a - text.length / 2) ? b : a,
  );
  const halves = [text.slice(0, i + 1), text.slice(i + 2)];
  const fit = Math.max(
    11,
    Math.min(18, Math.floor(room / Math.max(...halves.map((h) => at(1, h))))),
  );
  return { text: halves.join("<br>"), size: fit, lines: 2 };
}

export function layout(extra = {}) {
  const { xaxis = {}, yaxis = {}, title = "", title_size = 20, ...rest } = extra;
  const fitted = rest.width ? fitTitle(title, rest.width) : { text: title, size: title_size };
  if (fitted.lines === 2 && rest.margin) rest.margin = { ...rest.margin, t: rest.margin.t + 20 };
  return {
    paper_bgcolor: "#fff",
    plot_bgcolor: "#fff",
    font: FONT,
    title: { text: html(fitted.text), x: 0, xanchor: "left", font: { size: fitted.size } },
    margin: { l: 90, r: 30, t: 70, b: 80 },
    hoverlabel: { font: { size: SMALL } },
    legend: { font: { size: SMALL } },
    xaxis: { ...AXIS, ...xaxis },
    yaxis: { ...AXIS, ...yaxis },
    ...rest,
  };
}

// The legend, and the margins it needs: under the x axis, its entries packed into rows as wide
// as the figure; or, in a wide and short figure (a projector), beside the plot, one entry a line.
export function legendBelow(names, width, height, { top = 40, axis = 58 } = {}) {
  const size = width < 600 ? 13 : 16; // the smallest text of a figure: 16 px, 13 on a phone
  const entry = (name) => 48 + 0.54 * size * plain(name).length;
  const beside = Math.max(...names.map(entry));
  if (width >= 1.3 * height && height < 460 && width - beside > 250) {
    return {
      legend: { orientation: "v", x: 1.02, y: 1, xanchor: "left", yanchor: "top", font: { size } },
      margin: { t: top, b: axis, r: beside + 8 },
    };
  }
  // rows of entries as plotly packs them; a row is as tall as its entry with the most lines
  let lines = 0;
  let row = 0;
  let used = 0;
  for (const name of names) {
    const w = entry(name);
    const n = String(name).split("<br>").length;
    if (used && used + w > width - 20) {
      lines += row;
      row = 0;
      used = 0;
    }
    used += w;
    row = Math.max(row, n);
  }
  lines += row;
  const legendHeight = (size + 8) * lines + 8; // a line of plotly's legend (at most), padding
  const bottom = axis + legendHeight;
  // at the figure's own bottom edge (container coordinates): a taller title or margin above the
  // plot cannot move it into the axis title, and a legend taller than estimated is not cut
  return {
    legend: {
      orientation: "h",
      x: 0,
      y: 2 / height,
      yref: "container",
      yanchor: "bottom",
      font: { size },
    },
    margin: { t: top, b: bottom },
  };
}

// tick positions and labels for a log axis from bottom to top, at most `most` of them (the room
// the axis has for labels that do not run together): 1-2-5 steps over at most three decades
// where they fit, else powers of ten
export function logTicks(bottom, top, most = 8) {
  const lo = Math.floor(Math.log10(bottom));
  const hi = Math.ceil(Math.log10(top));
  const ticks = [];
  if (hi - lo <= 3) {
    for (let e = lo; e <= hi; e++)
      for (const m of [1, 2, 5]) {
        const t = Number((m * 10 ** e).toPrecision(3));
        if (bottom <= t * (1 + 1e-9) && t * (1 + 1e-9) <= top * (1 + 2e-9)) ticks.push(t);
      }
  }
  if (ticks.length && ticks.length <= most) return [ticks, ticks.map((t) => formatG(t, 6))];
  const step = [1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200].find((s) => (hi - lo) / s <= most);
  const ks = [];
  for (let k = Math.ceil(lo / step) * step; k <= hi; k += step) ks.push(k);
  return [ks.map((k) => Number(`1e${k}`)), ks.map(powerOfTen)];
}

// --- plotly.js, once per page ------------------------------------------------------------------

// The website's page model brings plotly.js itself (model.plotly()); in JupyterLab and Voila the
// first view on the page asks its kernel for the file (plotly.py's own copy, no network), and
// every view waits for the same promise: plotly.js is loaded once per page. The answer comes to
// the asking view's model, and only while that view lives (a view's listeners go with it), so
// a view that goes before the answer comes passes the asking on to a view still waiting
// (`releasePlotly`). A kernel busy running cells answers late, and that is fine; a view still
// waiting after WAIT asks again through its own model. Any answer that arrives first is the
// one loaded; `log` keeps what happened, for a test's failure message.
const WAIT = 20_000;

function plotlyState() {
  if (!globalThis.rnnvizPlotly) {
    const state = { asked: 0, loaded: 0, loading: false, listening: new WeakSet(), log: [] };
    state.waiting = new Set(); // the models of the views waiting for plotly.js
    state.askedBy = null;
    state.promise = new Promise((resolve) => {
      state.resolve = resolve;
    });
    globalThis.rnnvizPlotly = state;
  }
  return globalThis.rnnvizPlotly;
}

function receive(state, buffer) {
  state.log.push(["answer", Math.round(performance.now())]);
  if (state.loading) return;
  state.loading = true;
  const script = document.createElement("script");
  const before = window.Plotly;
  script.src = URL.createObjectURL(new Blob([buffer], { type: "text/javascript" }));
  script.onload = () => {
    const Plotly = window.Plotly;
    if (before) window.Plotly = before; // the page's own plotly.js, if any, stays
    URL.revokeObjectURL(script.src);
    state.loaded++;
    state.log.push(["loaded", Math.round(performance.now())]);
    state.waiting.clear();
    state.resolve(Plotly);
  };
  script.onerror = () => {
    state.loading = false; // the next answer may load
  };
  document.head.appendChild(script);
}

export function loadPlotly(model) {
  if (typeof model.plotly === "function") return model.plotly();
  const state = plotlyState();
  if (!state.listening.has(model)) {
    state.listening.add(model);
    model.on("msg:custom", (msg, buffers) => {
      if (msg?.type === "plotly.js") receive(state, buffers[0]);
    });
  }
  if (state.loaded) return state.promise;
  state.waiting.add(model);
  if (!state.askedBy) ask(state, model);
  const again = setTimeout(() => state.loading || ask(state, model), WAIT);
  state.promise.then(() => clearTimeout(again));
  return state.promise;
}

function ask(state, model) {
  state.asked++;
  state.askedBy = model;
  state.log.push(["ask", Math.round(performance.now())]);
  model.send({ type: "plotly.js?" });
}

// A view is gone: if it asked for plotly.js and no answer has come, a view still waiting asks.
export function releasePlotly(model) {
  const state = globalThis.rnnvizPlotly;
  if (!state || state.loaded || typeof model.plotly === "function") return;
  state.waiting.delete(model);
  if (state.askedBy !== model) return;
  state.askedBy = null;
  const next = state.waiting.values().next().value;
  if (next && !state.loading) ask(state, next);
}

const CONFIG = { displaylogo: false, responsive: false, showSendToCloud: false };

// draw a figure {data, layout} into `el`, replacing what it showed
export async function plot(model, el, figure, label) {
  const Plotly = await loadPlotly(model);
  el.setAttribute("aria-label", label);
  await Plotly.react(el, figure.data, figure.layout, CONFIG);
}

// --- controls ---------------------------------------------------------------------------------

export const make = (tag, attrs = {}, parent = null, text = null) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== null) el.textContent = text;
  if (parent) parent.appendChild(el);
  return el;
};

// ids unique on the page: every view's module is evaluated on its own, each counts from 0
const PREFIX = Math.random().toString(36).slice(2, 8);
let uid = 0;
const same = (a, b) => a === b || (Number.isNaN(a) && Number.isNaN(b));
const show = (c, v) => {
  const i = c.values.findIndex((u) => same(u, v));
  if (c.labels) return c.labels[i] ?? String(v);
  if (typeof v === "number" && c.digits !== undefined) return formatF(v, c.digits);
  return String(v);
};
// keys that move a control: JupyterLab must not take them for moving between cells
const keep = (event) => {
  if (/^(Arrow|Home$|End$|Page)/.test(event.key)) event.stopPropagation();
};

// A slider over `values` (native range input over their indices), its value shown beside it.
function slider(parent, c, value, onChange) {
  const id = `rnnviz-${PREFIX}-${++uid}`;
  const row = make("div", { class: "rnnviz-control", "data-name": c.name }, parent);
  make("label", { for: id }, row, c.label);
  const input = make("input", { type: "range", id, min: 0, max: c.values.length - 1, step: 1 });
  input.dataset.values = JSON.stringify(c.values); // for a page script or a test to read
  row.appendChild(input);
  const output = make("output", { for: id }, row);
  const set = (v) => {
    const i = c.values.findIndex((u) => same(u, v));
    input.value = String(Math.max(i, 0));
    output.textContent = show(c, v);
    input.setAttribute("aria-valuetext", `${c.label} = ${show(c, v)}`);
  };
  set(value);
  input.addEventListener("keydown", keep);
  input.addEventListener("input", () => {
    const v = c.values[Number(input.value)];
    set(v);
    onChange(v);
  });
  return set;
}

// Radio buttons, one per option: arrow keys move between them.
function choice(parent, c, value, onChange) {
  const id = `rnnviz-${PREFIX}-${++uid}`;
  const row = make("div", { class: "rnnviz-control rnnviz-choice", role: "radiogroup" }, parent);
  row.setAttribute("aria-labelledby", id);
  row.dataset.name = c.name;
  row.dataset.values = JSON.stringify(c.values);
  make("span", { id, class: "rnnviz-label" }, row, c.label);
  const box = make("div", { class: "rnnviz-options" }, row);
  const inputs = c.values.map((option, i) => {
    const item = make("label", {}, box);
    const input = make("input", { type: "radio", name: id, value: String(i) }, item);
    item.append(` ${show(c, option)}`);
    input.addEventListener("keydown", keep);
    input.addEventListener("change", () => input.checked && onChange(option));
    return input;
  });
  const set = (v) => {
    inputs.forEach((input, i) => {
      input.checked = same(c.values[i], v);
    });
  };
  set(value);
  return set;
}

// The controls the spec declares, in a wrapping grid. Each move sets the model's `setting`;
// a change of `setting` from elsewhere (Python, a preset) moves the controls.
export function controls(model, parent) {
  const spec = model.get("spec");
  const box = make("div", { class: "rnnviz-controls" }, parent);
  const view = parent.closest(".rnnviz-view") ?? parent;
  const setters = {};
  const current = () => ({ ...model.get("setting") });
  let more = null; // the controls no move of the class needs, folded
  for (const c of spec.controls) {
    let into = box;
    if (c.more) {
      if (!more) {
        const fold = make("details", { class: "rnnviz-more-controls" }, parent);
        make("summary", {}, fold, "More controls");
        more = make("div", { class: "rnnviz-controls" }, fold);
      }
      into = more;
    }
    const onChange = (v) => {
      const setting = { ...current(), [c.name]: v };
      view.dataset.asked = JSON.stringify(setting); // drawn when data-setting says the same
      model.set("setting", setting);
      model.save_changes();
    };
    const value = current()[c.name];
    setters[c.name] = (c.kind === "choice" ? choice : slider)(into, c, value, onChange);
  }
  if (spec.note) make("p", { class: "rnnviz-fixed" }, box, spec.note);
  const sync = () => {
    const s = current();
    for (const [name, set] of Object.entries(setters)) set(s[name]);
  };
  model.on("change:setting", sync);
  return () => model.off("change:setting", sync);
}

// --- the frame: one screen from a projector to a phone -------------------------------------
//
// A heading; a side with the class's moves (presets, Reset), the controls and a one-line
// result; a stage with the figure (or the chain); the other readouts folded below. Wide: side
// and stage side by side; narrow (a phone): one above the other (panel.css, a container
// query). The stage is as tall as the screen leaves it (`stageSize`).

export function frame(model, el, { readouts = true }) {
  const spec = model.get("spec");
  el.classList.add("rnnviz", "rnnviz-view");
  el.replaceChildren();
  const body = make("div", { class: "rnnviz-body" }, el);
  if (spec.heading) make("h3", { class: "rnnviz-heading" }, body, spec.heading);
  const side = make("div", { class: "rnnviz-side" }, body);
  const moves = make("div", { class: "rnnviz-moves" }, side);
  const stopControls = spec.controls.length ? controls(model, side) : () => {};
  const result = make("p", { class: "rnnviz-result", "aria-live": "polite" }, side);
  const folded = side.querySelector(".rnnviz-more-controls");
  if (folded) side.appendChild(folded); // under the one-line result
  const stage = make("div", { class: "rnnviz-stage" }, body);
  const top = make("div", { class: "rnnviz-top" }, stage);
  const card = make("div", { class: "rnnviz-figure" }, stage);
  const figure = make("div", { class: "rnnviz-live-plot", role: "img" }, card);
  let readout = null;
  if (readouts) {
    const more = make("details", { class: "rnnviz-more" }, side);
    make("summary", {}, more, "All readouts");
    readout = make("div", { class: "rnnviz-readout-box" }, more);
  }
  const error = make("p", { class: "rnnviz-error", hidden: "" }, el);
  if (spec.controls.length) presets(model, moves);
  return {
    body,
    side,
    moves,
    top,
    stage,
    card,
    figure,
    result,
    readout,
    error,
    stop: () => {
      stopControls();
      releasePlotly(model);
    },
  };
}

// The class's moves as one menu, each setting every control exactly, and Reset: back to the
// setting the view started at. A move the page cannot show (off the website's grid) is listed,
// disabled.
function presets(model, parent) {
  const spec = model.get("spec");
  const start = { ...model.get("setting") };
  const list = spec.presets ?? [];
  const offered = (setting) =>
    spec.controls.every(
      (c) => !(c.name in setting) || c.values.some((v) => same(v, setting[c.name])),
    ) && Object.entries(spec.fixed ?? {}).every(([k, v]) => setting[k] === v);
  const go = (setting) => {
    parent.closest(".rnnviz-view").dataset.asked = JSON.stringify(setting);
    model.set("setting", setting);
    model.save_changes();
  };
  if (list.length) {
    const id = `rnnviz-${PREFIX}-${++uid}`;
    make("label", { for: id, class: "rnnviz-label" }, parent, "Move");
    const menu = make("select", { id, class: "rnnviz-preset" }, parent);
    make("option", { value: "" }, menu, "choose a move…");
    list.forEach(([label, setting], i) => {
      const full = { ...start, ...spec.defaults, ...setting };
      const option = make("option", { value: String(i) }, menu, label);
      if (!offered(full)) {
        option.disabled = true;
        option.textContent = `${label} (in the notebook)`;
      }
    });
    menu.addEventListener("keydown", keep);
    menu.addEventListener("change", () => {
      if (menu.value === "") return;
      go({ ...start, ...spec.defaults, ...list[Number(menu.value)][1] });
    });
    model.on("change:setting", () => {
      const now = JSON.stringify(model.get("setting"));
      const i = list.findIndex(
        ([, setting]) => JSON.stringify({ ...start, ...spec.defaults, ...setting }) === now,
      );
      menu.value = i < 0 ? "" : String(i);
    });
  }
  const reset = make("button", { type: "button", class: "rnnviz-button rnnviz-reset" }, parent);
  reset.textContent = "↺ Reset";
  reset.title = "every control back to where this view started";
  reset.addEventListener("click", () => go({ ...start }));
}

// The stage's size: as wide as it is, as tall as the scrolling area it sits in leaves it
// (JupyterLab's notebook, Voila's page, the website's window), between `least` and `most`.
export function stageSize(stage, [least, most]) {
  // JupyterLab scrolls the notebook in a panel below its menus; Voila and the website, the page
  const scroller = stage.closest(".jp-WindowedPanel-outer");
  const height = scroller?.clientHeight || window.innerHeight;
  // with the view's top at the top of the screen, the stage below what is above it (the
  // heading; on a phone the controls and the result too) and its toggle
  const above = stage.querySelector(".rnnviz-top")?.offsetHeight ?? 0;
  const view = stage.closest(".rnnviz-view") ?? stage;
  const offset = stage.getBoundingClientRect().top - view.getBoundingClientRect().top;
  const room = height - offset - above - 30; // the card's frame, the view's margin
  return [Math.max(stage.clientWidth - 8, 260), Math.min(Math.max(room, least), most)];
}

// the readouts {name: text} as HTML: each name in bold above its value
export function readoutTable(rows) {
  const body = Object.entries(rows)
    .map(
      ([k, v]) =>
        `<div class="rnnviz-name">${escapeHtml(k)}</div>` +
        `<div class="rnnviz-value">${escapeHtml(v)}</div>`,
    )
    .join("");
  return `<div class="rnnviz-readout">${body}</div>`;
}

// plotly's title text as plain text, for a figure's text alternative
export const plain = (text) =>
  text
    .replace(/<br>/g, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

// Calls draw(result) for every new result, one at a time: a result that arrives while one is
// drawn waits, and only the newest is drawn next. Marks the element with the number of results
// drawn (data-drawn) and shows the kernel's error, if any. Returns a function that stops it.
export function follow(model, el, parts, draw) {
  let busy = false;
  let again = false;
  let drawn = 0;
  let last = null;
  let size = "";
  const measure = () => `${parts.stage.clientWidth}x${window.innerHeight}`;
  async function next(force = false) {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const message = model.get("error");
        parts.error.hidden = !message;
        parts.error.textContent = message || "";
        const result = model.get("result");
        if (result && Object.keys(result).length && (result !== last || force)) {
          last = result;
          size = measure();
          try {
            await draw(result);
          } catch (error) {
            parts.error.hidden = false;
            parts.error.textContent = `The figure could not be drawn: ${error.message}`;
            throw error;
          }
          el.dataset.drawn = String(++drawn);
          el.dataset.setting = JSON.stringify(result.setting ?? null);
        }
        force = false;
      } while (again);
    } finally {
      busy = false;
    }
  }
  const onChange = () => next();
  model.on("change:result", onChange);
  model.on("change:error", onChange);
  // drawn again at its new size when the view's width or the screen's height changes (the
  // first draw may come before the view is laid out)
  const resized = new ResizeObserver(() => {
    if (last && parts.stage.clientWidth && measure() !== size) next(true);
  });
  resized.observe(el);
  window.addEventListener("resize", onResize);
  function onResize() {
    if (last && measure() !== size) next(true);
  }
  next();
  return () => {
    model.off("change:result", onChange);
    model.off("change:error", onChange);
    resized.disconnect();
    window.removeEventListener("resize", onResize);
  };
}
