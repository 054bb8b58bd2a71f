// Clipping a 2-D gradient g: by value it turns, by norm it only shrinks. Arrows from the origin,
// the box [-c, c]² and the circle of radius c, and the readouts: the only place they are drawn.

import {
  COLORS,
  f64,
  fmt,
  follow,
  formatF,
  frame,
  layout,
  legendBelow,
  num,
  plain,
  plot,
  readoutTable,
  stageSize,
  TEXT_COLORS,
} from "./common.js";

export const FIGURE_SIZE = [660, 700];
const LIMIT = 3.4; // half-width of the view: every g of the sliders fits

export function geometry(result) {
  const r = { ...result };
  for (const key of ["g", "by_value", "by_norm"]) r[key] = Array.from(f64(result[key]));
  for (const key of Object.keys(result))
    if (/^(angle|norm|turn)_|^clip_threshold$/.test(key)) r[key] = num(result[key]);
  return r;
}

// the readouts {name: text}: each vector, and what clipping did to it
export function readouts(r) {
  const row = (n, a) => `length ${formatF(n, 2)}, angle ${formatF(a, 1)}°`;
  const effect = (v, turn) => {
    if (v[0] === r.g[0] && v[1] === r.g[1]) return "unchanged";
    return turn >= 0.05 ? `shorter, turned by ${formatF(turn, 1)}°` : "only shorter, not turned";
  };
  return {
    g: row(r.norm_g, r.angle_g),
    "clipped by value": `${row(r.norm_by_value, r.angle_by_value)}: ${effect(r.by_value, r.turn_by_value)}`,
    "clipped by norm": `${row(r.norm_by_norm, r.angle_by_norm)}: ${effect(r.by_norm, r.turn_by_norm)}`,
  };
}

export function title(r) {
  return (
    `Clip threshold c = ${fmt(r.clip_threshold, 3)}: by value turns g by ` +
    `${formatF(r.turn_by_value, 1)}°, by norm by 0°`
  );
}

const STYLES = [
  ["g", "gradient g", "g", "black", "solid", 5, "middle right"],
  [
    "by_value",
    "clipped by value (each entry into [-c, c])",
    "by value",
    "orange",
    "dash",
    4,
    "top left",
  ],
  [
    "by_norm",
    "clipped by norm (rescaled to length c)",
    "by norm",
    "blue",
    "dot",
    4,
    "bottom right",
  ],
];

export function figure(r, [width, height] = FIGURE_SIZE) {
  const c = r.clip_threshold;
  const data = STYLES.map(([key, name, label, color, dash, width, place]) => ({
    type: "scatter",
    name,
    meta: key,
    mode: "lines+markers+text",
    x: [0, r[key][0]],
    y: [0, r[key][1]],
    text: ["", label],
    line: { color: COLORS[color], width, dash },
    marker: { symbol: ["circle", "arrow"], size: [0, 22], angleref: "previous" },
    textposition: place,
    textfont: { size: 18, color: TEXT_COLORS[color] },
    hovertemplate: `${name}<br>(%{x:.2f}, %{y:.2f})<extra></extra>`,
  }));
  const box = { x0: -c, y0: -c, x1: c, y1: c };
  return {
    data,
    layout: layout({
      title: title(r),
      width,
      height,
      // little room: no legend (each arrow is labelled), more room for the arrows
      ...(height < 480
        ? { showlegend: false, margin: { l: 56, r: 44, t: 40, b: 56 } }
        : (({ legend, margin }) => ({ legend, margin: { l: 60, r: 12, ...margin } }))(
            legendBelow(
              data.map((t) => t.name),
              width,
              height,
            ),
          )),
      shapes: [
        { type: "rect", line: { color: COLORS.orange, width: 2, dash: "dash" }, ...box },
        { type: "circle", line: { color: COLORS.blue, width: 2, dash: "dot" }, ...box },
      ],
      xaxis: {
        title: { text: "g₁" },
        zeroline: true,
        zerolinecolor: "#999",
        constrain: "domain",
        range: [-LIMIT, LIMIT],
      },
      yaxis: {
        title: { text: "g₂" },
        zeroline: true,
        zerolinecolor: "#999",
        scaleanchor: "x",
        range: [-LIMIT, LIMIT],
      },
    }),
  };
}

function render({ model, el }) {
  const view = frame(model, el, {});
  const stop = follow(model, el, view, async (result) => {
    const r = geometry(result);
    const rows = readouts(r);
    view.result.textContent = `by value: ${rows["clipped by value"].split(": ").at(-1)} · by norm: ${rows["clipped by norm"].split(": ").at(-1)}`;
    view.readout.innerHTML = readoutTable(rows);
    const [w, h] = stageSize(view.stage, [300, FIGURE_SIZE[1]]);
    const fig = figure(r, [Math.min(w, h + 40), h]);
    await plot(model, view.figure, fig, `Figure: ${plain(fig.layout.title.text)}`);
  });
  return () => {
    stop();
    view.stop();
  };
}

export default { render };
