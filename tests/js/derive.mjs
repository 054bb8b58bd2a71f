// Everything a view's module derives from the numbers of a setting (title, readouts, chain,
// figure), for the Python tests: node derive.mjs < {"kind": ..., "results": [...]} (arrays as
// {"f64": base64}). Writes the list of derived views as JSON (NaN as null).
import { readFileSync } from "node:fs";

const kind = JSON.parse(readFileSync(0, "utf8"));
const views = {
  explorer: async () => {
    const m = await import("../../rnnviz/widgets/static/explorer.js");
    return (result) => {
      const r = m.flow(result);
      return {
        title: m.title(r),
        status: m.statusLines(r),
        result: m.resultLine(r),
        readouts: m.readouts(r),
        chain: m.chainData(r),
        figure: m.figure(r),
      };
    };
  },
  clipping: async () => {
    const m = await import("../../rnnviz/widgets/static/clipping.js");
    return (result) => {
      const r = m.geometry(result);
      return { title: m.title(r), readouts: m.readouts(r), figure: m.figure(r) };
    };
  },
  heatmap: async () => {
    const m = await import("../../rnnviz/widgets/static/heatmap.js");
    return (result) => {
      const C = m.rows(result);
      return { title: m.title(C), figure: m.figure(C) };
    };
  },
  cells: async () => {
    const m = await import("../../rnnviz/widgets/static/cells.js");
    return (result) => {
      const c = m.curves(result);
      return {
        readouts: m.readouts(c, kind.labels),
        figure: m.figure(c, result.setting?.show ?? "all three"),
      };
    };
  },
};

const decode = (value) =>
  value && typeof value === "object" && typeof value.f64 === "string"
    ? new Float64Array(new Uint8Array(Buffer.from(value.f64, "base64")).buffer)
    : value;
const derive = await views[kind.kind]();
const out = kind.results.map((result) =>
  derive(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, decode(v)]))),
);
process.stdout.write(JSON.stringify(out));
