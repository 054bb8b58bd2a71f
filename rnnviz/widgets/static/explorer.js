// The gradient-flow explorer: the unrolled chain, ||dL/da<k>|| against k, and the readouts, for
// the numbers of one `GradientFlow` (rnnviz.diagnostics.explore). The only place they are drawn.

import { chainView } from "./chain.js";
import {
  atStep,
  COLORS,
  f64,
  fmt,
  follow,
  formatF,
  frame,
  html,
  layout,
  legendBelow,
  logTicks,
  make,
  num,
  plain,
  plot,
  positive,
  readoutTable,
  stageSize,
} from "./common.js";

// The result as plain numbers: arrays as Float64Array, scalars as numbers.
export function flow(result) {
  const r = { ...result };
  for (const key of ["grad_norm", "grad_norm_clipped", "bound", "sigma_k", "sigma"])
    r[key] = f64(result[key]);
  for (const key of [
    "sigma_max",
    "gamma",
    "spectral_radius",
    "ratio",
    "total_norm",
    "clip_factor",
    "loss",
  ])
    r[key] = num(result[key]);
  r.T = r.grad_norm.length;
  r.clip_threshold = result.setting?.clip_threshold ?? result.clip_threshold ?? null;
  return r;
}

// what the bound says: necessary, not sufficient, for exploding
const verdict = (regime) => (regime === "exploding" ? "exploding possible" : `${regime} predicted`);

export function title(r) {
  if (r.title) return r.title;
  const s = r.setting;
  if (!s)
    return `Gradient through time: σ_max·γ = ${fmt(r.sigma_max * r.gamma, 3)}, ${verdict(r.regime)}`;
  let text =
    `${s.activation}, T = ${s.T}, σ_max(W_aa) = ${formatF(s.weight_scale, 2)}, ` +
    `n_a = ${s.n_a}, seed ${s.seed}, ${s.dtype}`;
  if (s.clip_threshold !== null) text += `, clip c = ${fmt(s.clip_threshold)}`;
  return text;
}

// "overflow (inf) from step k back to step 1", and why, when the forward pass broke (`why`)
export function overflowText(r, why = true) {
  const bad = r.first_nonfinite;
  if (bad === null || bad === undefined) return "";
  const what = r.nonfinite === "inf" ? "overflow (inf)" : "NaN";
  let text = `${what} from step ${bad} back to step 1`;
  if (why && !Number.isFinite(r.loss)) text += `${FORWARD}${fmt(r.loss)})`;
  return text;
}
const FORWARD = " (the forward pass itself overflowed: the loss is ";

// the one-line result: the prediction and what happened
export function statusLines(r) {
  const lines = [
    `σ_max·γ = ${fmt(r.sigma_max, 3)} × ${fmt(r.gamma)} = ` +
      `${fmt(r.sigma_max * r.gamma, 3)}: ${verdict(r.regime)}`,
    `||dL/da<1>|| / ||dL/da<T>|| = ${fmt(r.ratio)}`,
  ];
  if (r.first_nonfinite !== null) lines.push(overflowText(r, false));
  return lines;
}

// the one-line result: what happened, and what the bound predicted
export function resultLine(r) {
  const ratio = `||dL/da<1>|| / ||dL/da<T>|| = ${fmt(r.ratio)} (${observed(r.ratio)})`;
  const bound = `σ_max·γ = ${fmt(r.sigma_max * r.gamma, 3)}: ${verdict(r.regime)}`;
  const bad = r.first_nonfinite !== null ? ` · ${overflowText(r, false)}` : "";
  return `${ratio} · ${bound}${bad}`;
}

const EXPLAIN = {
  vanishing: "σ_max·γ < 1 is sufficient: the gradient must shrink at least as fast as the bound",
  exploding:
    "σ_max·γ > 1 is necessary, not sufficient: it may explode, or saturated units may still " +
    "make it vanish",
  // a linear g has no saturated units: its Jacobian product is a power of W_aa, which over many
  // steps grows or shrinks like the power of W_aa's spectral radius
  exploding_linear:
    "σ_max·γ > 1 is necessary, not sufficient: for a linear g, the gradient grows over many " +
    "steps if the spectral radius ρ(W_aa) > 1 and shrinks if ρ(W_aa) < 1",
  neither: "σ_max·γ = 1: the bound neither grows nor shrinks",
  undefined: "σ_max(W_aa) is not a number: W_aa holds NaN",
};

export function observed(ratio) {
  if (!Number.isFinite(ratio)) return "not a number";
  if (ratio < 1e-2) return "vanished";
  if (ratio > 1e2) return "exploded";
  if (ratio > 1.5) return "grew, but less than 100×";
  if (ratio < 1 / 1.5) return "shrank, but less than 100×";
  return "kept its size";
}

// the readouts {name: text}: the numbers, the prediction and what happened
export function readouts(r) {
  const c = r.clip_threshold;
  let clip;
  if (c === null) clip = "off";
  else if (!Number.isFinite(r.total_norm))
    clip = `c = ${fmt(c)}, but ||g|| = ${fmt(r.total_norm)}: cannot rescale`;
  else if (r.clip_factor < 1)
    clip = `||g|| = ${fmt(r.total_norm)} > c = ${fmt(c)}: the whole gradient × ${fmt(r.clip_factor)}`;
  else clip = `||g|| = ${fmt(r.total_norm)} ≤ c = ${fmt(c)}: unchanged`;
  const linear = r.regime === "exploding" && r.activation === "linear";
  return {
    "σ_max(W_aa)·γ": `${fmt(r.sigma_max, 3)} × ${fmt(r.gamma)} = ${fmt(r.sigma_max * r.gamma, 3)}`,
    "spectral radius ρ(W_aa)": fmt(r.spectral_radius, 3),
    predicted: `${r.regime}: ${EXPLAIN[linear ? "exploding_linear" : r.regime]}`,
    "ratio ||dL/da<1>|| / ||dL/da<T>||": `${fmt(r.ratio)} (${observed(r.ratio)})`,
    overflow: overflowText(r) || "none: every number is finite",
    clipping: clip,
    "loss at step T": fmt(r.loss, 3),
  };
}

// --- the chain: each step's bar from log10 ||dL/da<k>|| / ||dL/da<T>|| ------------------------

export const CHAIN_LOG_RANGE = [-16, 16];
// plotly's Viridis, as plotly.colors.sequential.Viridis lists it
const VIRIDIS = [
  "#440154",
  "#482878",
  "#3e4989",
  "#31688e",
  "#26828e",
  "#1f9e89",
  "#35b779",
  "#6ece58",
  "#b5de2b",
  "#fde725",
];

// the colour at h in [0, 1], interpolated in RGB between Viridis's stops
export function viridis(h) {
  const x = Math.min(Math.max(h, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const rgb = (c) => [1, 3, 5].map((j) => Number.parseInt(c.slice(j, j + 2), 16));
  const [a, b] = [rgb(VIRIDIS[i]), rgb(VIRIDIS[i + 1])];
  const mix = a.map((v, j) => Math.round(v + (b[j] - v) * (x - i)));
  return `#${mix.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
}

// what the chain draws: a height in [0, 1] and a colour per step, the values as text, the state
// ("ok", "inf", "NaN", "zero") of each step, and a summary
export function chainData(r) {
  const norms = r.grad_norm;
  const T = norms.length;
  const clipping = r.clip_threshold !== null;
  const shown = clipping ? r.grad_norm_clipped : norms;
  const rel = Array.from(norms, (v) => v / norms[T - 1]);
  const state = rel.map((q, i) => {
    const v = norms[i];
    if (Number.isNaN(v) || Number.isNaN(q)) return "NaN";
    if (!Number.isFinite(v) || !Number.isFinite(q)) return "inf";
    return v === 0 ? "zero" : "ok";
  });
  const [lo, hi] = CHAIN_LOG_RANGE;
  const height = rel.map((q, i) => {
    if (state[i] === "inf" || state[i] === "NaN") return 1;
    if (state[i] !== "ok") return 0;
    return Math.min(Math.max((Math.log10(q) - lo) / (hi - lo), 0), 1);
  });
  const what = clipping ? "||dL/da<k>|| after clipping" : "||dL/da<k>||";
  const text = Array.from(shown, (v) => fmt(v));
  const relative = rel.map((v) => fmt(v));
  let summary =
    `${atStep(what, 1)} = ${text[0]},  ${atStep(what, "T")} = ${text[T - 1]}:  ` +
    `the gradient changed ${relative[0]}× on its way back`;
  if (r.first_nonfinite !== null) summary = overflowText(r);
  else if (norms[T - 1] === 0)
    summary = `${atStep(what, "T")} is exactly 0: the output is saturated, nothing flows back`;
  const ticks = [];
  for (let t = lo; t <= hi; t += 8) ticks.push([(t - lo) / (hi - lo), t === 0 ? "1" : `1e${t}`]);
  return {
    T,
    height,
    color: height.map((h, i) => (state[i] === "ok" ? viridis(h) : "#ffffff")),
    text,
    relative,
    state,
    quantity: what,
    summary,
    overflow: overflowText(r, false),
    ticks,
    stops: Array.from({ length: 9 }, (_, i) => viridis(i / 8)),
  };
}

// --- the figure: ||dL/da<k>|| against k on a log axis ----------------------------------------

export const FIGURE_SIZE = [780, 700]; // a figure on its own; in a view, the stage's size
// the traces' names where little room is left: the notebook explains each line
const SHORT = [
  "||dL/da<k>||",
  "bound (σ_max γ)^(T-k)",
  "exact Jacobian",
  null,
  null,
  "inf, NaN, 0",
].map((name) => name && html(name));
const visibleNames = (data) => data.filter((t) => t.visible !== false).map((t) => t.name);
const DECADES = 2; // the y axis spans at least this many powers of ten: a flat line looks flat

// the y axis's range, log10: the finite values with a decade of room, at least DECADES wide
export function yRange(values) {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (!finite.length) return [-1.3, 1.1];
  let lo = Math.log10(Math.min(...finite)) - 1;
  let hi = Math.log10(Math.min(Math.max(...finite), 1e307)) + 1;
  if (hi - lo < DECADES) [lo, hi] = [(lo + hi) / 2 - DECADES / 2, (lo + hi) / 2 + DECADES / 2];
  return [Math.max(lo, -323), Math.min(hi, 308)];
}

export function figure(r, [width, height] = FIGURE_SIZE) {
  const T = r.T;
  const k = Array.from({ length: T }, (_, i) => i + 1);
  const last = r.grad_norm[T - 1];
  const clipping = r.clip_threshold !== null;
  const curves = [
    positive(r.grad_norm),
    positive(r.bound),
    positive(Array.from(r.sigma, (v) => v * last)),
  ];
  if (clipping) curves.push(positive(r.grad_norm_clipped));
  const [lo, hi] = yRange(curves.flat().concat([r.clip_threshold ?? Number.NaN]));
  const top = 10 ** hi;
  const bottom = 10 ** lo;
  const shown = clipping ? r.grad_norm_clipped : r.grad_norm;
  const edge = Array.from(shown, (v) => !Number.isFinite(v) || v === 0);
  const pick = (values) => Array.from(values).filter((_, i) => edge[i]);
  const edgeY = pick(shown).map((v) => (Number.isFinite(v) ? bottom : top));
  const xy = (x, y) => (y.some(Number.isFinite) ? { x: Array.from(x), y } : { x: [], y: [] });
  const hover = "step k = %{x}<br>%{y:.3g}<extra>%{fullData.name}</extra>";
  const factor = r.clip_factor;
  const data = [
    {
      type: "scatter",
      name: html("||dL/da<k>||, the gradient reaching step k"),
      mode: "lines+markers",
      line: { color: COLORS.blue, width: 3 },
      marker: { symbol: "circle", size: 7 },
      hovertemplate: html("step k = %{x}<br>||dL/da<k>|| = %{y:.3g}<extra></extra>"),
      ...xy(k, curves[0]),
    },
    {
      type: "scatter",
      name: html("bound ||dL/da<T>|| (σ_max γ)^(T-k)"),
      mode: "lines",
      line: { color: COLORS.vermillion, width: 3, dash: "dash" },
      hovertemplate: hover,
      ...xy(k, curves[1]),
    },
    {
      type: "scatter",
      name: html("||dL/da<T>|| σ_max(∂a<T>/∂a<k>), exact Jacobian"),
      mode: "markers",
      marker: { symbol: "diamond-open", size: 11, color: COLORS.black, line: { width: 2 } },
      hovertemplate: hover,
      ...xy(r.sigma_k, curves[2]),
    },
    {
      type: "scatter",
      name: !clipping
        ? "after clipping"
        : factor < 1
          ? `after clipping: the whole gradient × ${fmt(factor)}<br>(same shape, shifted down)`
          : `after clipping: unchanged (||g|| = ${fmt(r.total_norm)} ≤ c)`,
      mode: "lines+markers",
      line: { color: COLORS.green, width: 3, dash: "dot" },
      marker: { symbol: "square", size: 6 },
      hovertemplate:
        "step k = %{x}<br>after clipping: %{y:.3g}<br>Clipping multiplies the whole gradient" +
        "<br>by one factor: the curve moves down,<br>its shape stays the same.<extra></extra>",
      visible: clipping,
      ...(clipping ? xy(k, curves[3]) : { x: [], y: [] }),
    },
    {
      type: "scatter",
      name: clipping
        ? `clip threshold c = ${fmt(r.clip_threshold)} on ||g||, the whole gradient`
        : "clip threshold",
      mode: "lines",
      line: { color: COLORS.purple, width: 3, dash: "longdash" },
      hovertemplate:
        "clip threshold c = %{y:.3g}<br>it limits the norm of the whole parameter gradient," +
        "<br>not each step's ||dL/da&lt;k&gt;||<extra></extra>",
      visible: clipping,
      x: clipping ? [0.5, T + 0.5] : [],
      y: clipping ? [r.clip_threshold, r.clip_threshold] : [],
    },
    {
      type: "scatter",
      name: "inf or NaN (top edge), exactly 0 (bottom edge)",
      mode: "markers",
      marker: {
        color: COLORS.black,
        size: 12,
        line: { width: 2 },
        symbol: edgeY.map((y) => (y === top ? "x" : "triangle-down")),
      },
      hovertemplate: "step k = %{x}<br>%{text}<extra></extra>",
      visible: edge.some(Boolean),
      x: pick(k),
      y: edgeY,
      text: pick(shown).map((v) =>
        Number.isNaN(v) ? "NaN" : Number.isFinite(v) ? "0" : "inf (overflow)",
      ),
    },
  ];
  const [tickvals, ticktext] = logTicks(bottom, top, Math.max(3, Math.floor(height / 70)));
  const bad = r.first_nonfinite;
  const text = title(r);
  let below = legendBelow(visibleNames(data), width, height);
  // little room (a projector, a phone): the legend's short names, the axes' short titles
  const compact = width < 600 || height - below.margin.t - below.margin.b < 220;
  if (compact) {
    const short = [...SHORT];
    if (clipping) {
      short[3] = `after clipping (× ${fmt(factor)})`;
      short[4] = `c = ${fmt(r.clip_threshold)}`;
    }
    data.forEach((t, i) => {
      t.name = short[i] ?? t.name;
    });
    below = legendBelow(visibleNames(data), width, height);
  }
  const fig = layout({
    title: text,
    width,
    height,
    showlegend: true,
    legend: below.legend,
    margin: { l: 70, r: 12, ...below.margin },
    xaxis: {
      title: {
        text: compact ? "time step k" : "time step k   (forward pass →, gradient ←)",
        font: { size: compact ? 15 : 18 },
      },
      range: [0.5, T + 0.5],
      nticks: Math.max(4, Math.floor(width / 90)),
    },
    yaxis: {
      title: {
        text: html(compact ? "||dL/da<k>||, log" : "||dL/da<k>|| (log scale)"),
        font: { size: compact ? 15 : 18 },
      },
      type: "log",
      tickmode: "array",
      tickvals,
      ticktext,
      autorange: false,
      range: [lo, hi],
    },
    shapes: [
      {
        type: "rect",
        xref: "x",
        yref: "paper",
        y0: 0,
        y1: 1,
        x0: 0.5,
        x1: bad === null ? 0.5 : bad + 0.5,
        fillcolor: "rgba(0,0,0,0.12)",
        line: { width: 0 },
        layer: "below",
        visible: bad !== null,
      },
    ],
    annotations: [
      {
        xref: "x",
        yref: "paper",
        x: bad === null ? 0 : 0.5 + 0.02 * T,
        y: 0.5,
        xanchor: "left",
        showarrow: false,
        bgcolor: "rgba(255,255,255,0.9)",
        bordercolor: COLORS.black,
        borderwidth: 2,
        font: { size: compact ? 14 : 18, color: COLORS.black },
        visible: bad !== null,
        text: html(
          compact
            ? overflowText(r, false).replace(" back", "<br>back")
            : overflowText(r).replace(FORWARD, `<br>${FORWARD.trim()}`),
        ),
      },
    ],
  });
  return { data, layout: fig };
}

// --- the view ---------------------------------------------------------------------------------

// spec.parts: the parts to show ("chain", "figure", "readouts"; default all). With both the
// chain and the figure, the stage shows one at a time, with a toggle between them.
function render({ model, el }) {
  const spec = model.get("spec");
  const parts = spec.parts ?? ["chain", "figure", "readouts"];
  const view = frame(model, el, { readouts: parts.includes("readouts") });
  let chain = null;
  let showing = parts.includes("figure") ? "figure" : "chain";
  const host = document.createElement("div");
  host.className = "rnnviz-chain-host";
  if (parts.includes("chain")) {
    view.stage.appendChild(host);
    chain = chainView(host, spec.speeds, spec.speed);
  }
  if (!parts.includes("figure")) view.card.remove();
  if (parts.includes("chain") && parts.includes("figure")) {
    const toggle = make("div", { class: "rnnviz-options rnnviz-show", role: "radiogroup" });
    toggle.setAttribute("aria-label", "show");
    const group = `rnnviz-show-${Math.random().toString(36).slice(2)}`; // one group per view
    for (const what of ["figure", "chain"]) {
      const item = make("label", {}, toggle);
      const input = make("input", { type: "radio", name: group }, item);
      input.value = what;
      input.checked = what === showing;
      item.append(what === "figure" ? " the figure" : " the chain (Play)");
      input.addEventListener("change", () => {
        showing = what;
        place();
        redraw();
      });
    }
    view.top.appendChild(toggle);
  }
  const place = () => {
    el.dataset.showing = showing;
    view.card.hidden = showing !== "figure";
    host.hidden = showing !== "chain";
  };
  place();
  let last = null;
  async function redraw() {
    if (!last) return;
    const r = last;
    view.result.textContent = resultLine(r);
    if (showing === "chain") chain?.update(chainData(r)); // a hidden chain waits for its toggle
    if (view.readout) view.readout.innerHTML = readoutTable(readouts(r));
    if (parts.includes("figure") && showing === "figure") {
      const size = stageSize(view.stage, [240, FIGURE_SIZE[1]]);
      const fig = figure(r, [Math.min(size[0], 900), size[1]]);
      const label = `Figure: ${plain(fig.layout.title.text)}. ${statusLines(r).join(". ")}`;
      await plot(model, view.figure, fig, label);
    }
  }
  const stop = follow(model, el, view, async (result) => {
    last = flow(result);
    await redraw();
  });
  return () => {
    stop();
    view.stop();
    chain?.stop();
  };
}

export default { render };
