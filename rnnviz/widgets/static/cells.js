// Three cells, one sentence: the gradient of the verb's loss at every step k for a basic RNN, a
// GRU and an LSTM (and the LSTM's cell path), and the share of it reaching the noun. The only
// place they are drawn.

import {
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
  num,
  plain,
  plot,
  positive,
  readoutTable,
  SMALL,
  stageSize,
} from "./common.js";

export const FIGURE_SIZE = [900, 620];

// [key, legend, colour, dash, marker]: told apart by dash and marker as well as by colour
const CURVES = [
  ["rnn", "basic RNN: ||dL/da<k>||", "blue", "solid", "circle"],
  ["gru", "GRU: ||dL/da<k>|| (= ||dL/dc<k>||)", "vermillion", "dash", "square"],
  ["lstm", "LSTM: ||dL/da<k>||", "green", "dot", "diamond"],
  ["lstm_c", "LSTM: ||dL/dc<k>||, the cell path", "orange", "dashdot", "triangle-up"],
];
const SHORT = ["RNN: a", "GRU: a = c", "LSTM: a", "LSTM: c"];
const CELL = { rnn: "rnn", gru: "gru", lstm: "lstm", lstm_c: "lstm" };
export const SHOW = {
  "all three": ["rnn", "gru", "lstm"],
  RNN: ["rnn"],
  GRU: ["gru"],
  LSTM: ["lstm"],
};

export function curves(result) {
  const c = { ...result };
  for (const [key] of CURVES) c[key] = f64(result[key]);
  c.keep_gru = num(result.keep_gru);
  c.keep_lstm = num(result.keep_lstm);
  c.T = c.rnn.length;
  return c;
}

// the share of the gradient reaching the noun (step 2), each curve divided by the gradient
// arriving at its cell's last state; `labels` {curve: name} as the lesson names them
export function readouts(c, labels) {
  const keep = {
    gru: `1 - Γ_u ≈ ${formatF(c.keep_gru, 2)}`,
    lstm_c: `Γ_f ≈ ${formatF(c.keep_lstm, 2)}`,
  };
  const rows = { "share reaching the noun": "||dL/d·<2>|| / ||dL/da<T>||" };
  for (const [key, label] of Object.entries(labels)) {
    const last = c[CELL[key]];
    const share = c[key][1] / last[last.length - 1];
    rows[label] = fmt(share) + (key in keep ? `   (keep ${keep[key]} per step)` : "");
  }
  return rows;
}

export function figure(c, show = "all three", [width, height] = FIGURE_SIZE) {
  const T = c.T;
  const k = Array.from({ length: T }, (_, i) => i + 1);
  const ys = Object.fromEntries(CURVES.map(([key]) => [key, positive(c[key])]));
  const visible = CURVES.map(([key]) => SHOW[show].includes(CELL[key]));
  const shown = CURVES.filter((_, i) => visible[i])
    .flatMap(([key]) => ys[key])
    .filter(Number.isFinite);
  const top = shown.length ? 10 * Math.max(...shown) : 10;
  const bottom = shown.length ? Math.max(Math.min(...shown) / 10, 1e-300) : 0.1;
  const [tickvals, ticktext] = logTicks(bottom, top, Math.max(3, Math.floor(height / 60)));
  const data = CURVES.map(([key, name, color, dash, symbol], i) => ({
    type: "scatter",
    name: html(name),
    meta: key,
    mode: "lines+markers",
    x: k,
    y: ys[key],
    visible: visible[i],
    line: { color: COLORS[color], dash, width: 3 },
    marker: { symbol, size: 7, color: COLORS[color] },
    hovertemplate: html(`${name}<br>step k = %{x}: %{y:.3g}<extra></extra>`),
  }));
  let below = legendBelow(
    data.filter((t) => t.visible).map((t) => t.name),
    width,
    height,
  );
  // little room (a projector, a phone): short names, short axis titles
  const compact = width < 600 || height - below.margin.t - below.margin.b < 220;
  if (compact) {
    data.forEach((t, i) => {
      t.name = html(SHORT[i]);
    });
    below = legendBelow(
      data.filter((t) => t.visible).map((t) => t.name),
      width,
      height,
    );
  }
  const axisFont = { size: compact ? 15 : 18 };
  return {
    data,
    layout: layout({
      title: `The gradient of the loss at step T = ${T}, at every step k`,
      width,
      height,
      legend: below.legend,
      margin: { l: 70, r: 12, ...below.margin },
      shapes: [
        {
          type: "line",
          xref: "x",
          yref: "paper",
          x0: 2,
          x1: 2,
          y0: 0,
          y1: 1,
          line: { color: "#666", width: 2, dash: "dot" },
        },
      ],
      annotations: [
        {
          xref: "x",
          yref: "paper",
          x: 2,
          y: 1,
          yanchor: "top",
          xanchor: "left",
          text: html("the noun, x<2>"),
          showarrow: false,
          font: { size: SMALL },
        },
      ],
      xaxis: {
        title: {
          text: compact ? "time step k" : "time step k   (forward pass →, gradient ←)",
          font: axisFont,
        },
        range: [0.5, T + 0.5],
      },
      yaxis: {
        title: {
          text: compact ? "gradient norm, log" : "gradient norm at step k  (log scale)",
          font: axisFont,
        },
        type: "log",
        range: [Math.log10(bottom), Math.log10(top)],
        tickvals,
        ticktext,
      },
    }),
  };
}

function render({ model, el }) {
  const view = frame(model, el, {});
  const stop = follow(model, el, view, async (result) => {
    const c = curves(result);
    const rows = readouts(c, model.get("spec").reach);
    view.result.textContent = Object.entries(rows)
      .slice(1)
      .map(([k, v]) => `${k.split(",")[0]}${k.includes("c path") ? " (c)" : ""} ${v.split(" ")[0]}`)
      .join(" · ");
    view.readout.innerHTML = readoutTable(rows);
    const [w, h] = stageSize(view.stage, [300, FIGURE_SIZE[1]]);
    const fig = figure(c, result.setting?.show ?? "all three", [Math.min(w, 1000), h]);
    await plot(model, view.figure, fig, `Figure: ${plain(fig.layout.title.text)}`);
  });
  return () => {
    stop();
    view.stop();
  };
}

export default { render };
