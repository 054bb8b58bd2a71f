// The connectivity map ||∂ŷ<t>/∂x<k>|| for every output step t and earlier input step k, on one
// fixed log colour scale (a move changes the colours; a fitted range would make every map look
// alike). Overflowed cells are grey and counted in the title. The only place it is drawn live.

import {
  f64,
  fmt,
  follow,
  frame,
  html,
  layout,
  plain,
  plot,
  powerOfTen,
  SMALL,
  stageSize,
} from "./common.js";

export const FIGURE_SIZE = [760, 680];
export const Z_RANGE = [-16, 2]; // log10 of the colour scale's ends
const OVERFLOW = "#9e9e9e";

// C as rows: C[t][k] for k <= t, from T*T float64 numbers (row-major)
export function rows(result) {
  const values = f64(result.C);
  const T = Math.round(Math.sqrt(values.length));
  return Array.from({ length: T }, (_, t) => Array.from(values.subarray(t * T, t * T + T)));
}

export function title(C) {
  const T = C.length;
  let bad = 0;
  for (let t = 0; t < T; t++) for (let k = 0; k <= t; k++) if (!Number.isFinite(C[t][k])) bad++;
  if (bad) return `${bad} of ${(T * (T + 1)) / 2} cells overflowed to inf or NaN (grey)`;
  if (T > 1 && C[T - 1][T - 1] === 0)
    return "||∂ŷ<T>/∂x<T>|| = 0: the last output is saturated and feels no input";
  const ratio = T > 1 ? C[T - 1][0] / C[T - 1][T - 1] : Number.NaN;
  return `||∂ŷ<T>/∂x<1>|| / ||∂ŷ<T>/∂x<T>|| = ${fmt(ratio)}`;
}

export function figure(C, [width, height] = FIGURE_SIZE) {
  const T = C.length;
  const [zmin, zmax] = Z_RANGE;
  const cell = (t, k, f) => (k <= t ? f(C[t][k]) : null);
  const z = C.map((row, t) =>
    row.map((_, k) =>
      cell(t, k, (v) => (!Number.isFinite(v) ? null : v > 0 ? Math.log10(v) : zmin)),
    ),
  );
  const custom = C.map((row, t) =>
    row.map((_, k) => cell(t, k, (v) => (Number.isFinite(v) ? v : null))),
  );
  const over = C.map((row, t) =>
    row.map((_, k) => cell(t, k, (v) => (Number.isFinite(v) ? null : 1))),
  );
  const steps = Array.from({ length: T }, (_, i) => i + 1);
  const step = Math.max(1, Math.ceil((zmax - zmin) / 6));
  const ticks = [];
  for (let t = Math.ceil(zmin); t <= zmax; t += step) ticks.push(t);
  const where = "output step t = %{y}<br>input step k = %{x}<br>";
  return {
    data: [
      {
        type: "heatmap",
        x: steps,
        y: steps,
        z,
        customdata: custom,
        zmin,
        zmax,
        colorscale: "Viridis",
        colorbar: {
          title: { text: html("||∂ŷ<t>/∂x<k>||<br>(log scale)"), side: "right" },
          tickfont: { size: SMALL },
          tickvals: ticks,
          ticktext: ticks.map(powerOfTen),
        },
        hovertemplate: html(`${where}||∂ŷ<t>/∂x<k>|| = %{customdata:.3g}<extra></extra>`),
        hoverongaps: false,
      },
      {
        type: "heatmap",
        name: "overflow",
        x: steps,
        y: steps,
        z: over,
        colorscale: [
          [0, OVERFLOW],
          [1, OVERFLOW],
        ],
        showscale: false,
        hovertemplate: `${where}overflow: inf or NaN<extra></extra>`,
        hoverongaps: false,
      },
    ],
    layout: layout({
      title: title(C),
      width,
      height,
      margin: { l: 70, r: 12, t: 40, b: 60, autoexpand: true },
      xaxis: { title: { text: "input step k" }, showgrid: false },
      yaxis: { title: { text: "output step t" }, autorange: "reversed", showgrid: false },
    }),
  };
}

function render({ model, el }) {
  const view = frame(model, el, { readouts: false });
  const stop = follow(model, el, view, async (result) => {
    const C = rows(result);
    view.result.textContent = title(C);
    const [w, h] = stageSize(view.stage, [300, FIGURE_SIZE[1]]);
    const fig = figure(C, [Math.min(w, h + 80), h]);
    const what = "||∂ŷ<t>/∂x<k>|| for output steps t and input steps k, log colour scale";
    await plot(model, view.figure, fig, `Figure: ${what}. ${plain(fig.layout.title.text)}`);
  });
  return () => {
    stop();
    view.stop();
  };
}

export default { render };
