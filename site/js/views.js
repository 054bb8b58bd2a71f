// What each kernel-free widget shows for one setting, from the numbers the engine precomputed.
//
// A line-by-line port of rnnviz.views (readouts, status lines, chain data, clipping readouts)
// and of the figures' draw_* functions (rnnviz.figures), so that a page shows the same text and
// the same figures as the widget in JupyterLab. tests/test_site.py runs this file in node and
// compares its output with the Python functions at many settings.
globalThis.rnnvizSite = globalThis.rnnvizSite || {};
((site) => {
  const { fmt, formatF, atStep, escapeHtml, pyMod } = site;

  // --- decoding the data files -----------------------------------------------------------------

  function f64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new Float64Array(bytes.buffer); // little-endian, as every browser platform is
  }

  // numpy's rint: halves to even
  function rint(x) {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
  }

  // --- the gradient-flow explorer --------------------------------------------------------------

  // The stored numbers of one activation, ready to be read by setting.
  function explorerTable(base, values, powers) {
    const nk = base.T.map((T) => base.sigma_k[String(T)].length);
    const sizes = base.T.map((T, j) => T + nk[j] + 2);
    const perSigma = sizes.reduce((a, b) => a + b, 0);
    const starts = sizes.map((_, j) => sizes.slice(0, j).reduce((a, b) => a + b, 0));
    return {
      base,
      values: f64(values),
      powers: f64(powers),
      nk,
      perSigma,
      starts,
      sigmaMax: f64(base.sigma_max),
      rho: f64(base.spectral_radius),
    };
  }

  function regime(s, g, tol = 1e-6) {
    const r = s * g;
    if (Number.isNaN(r)) return "undefined";
    return r < 1 - tol ? "vanishing" : r > 1 + tol ? "exploding" : "neither";
  }

  // diagnostics.explore's GradientFlow for (sigma index i, T index j, clip threshold or null)
  function gradientFlow(table, activation, i, j, clipThreshold) {
    const { base, values, powers, nk } = table;
    const T = base.T[j];
    const start = i * table.perSigma + table.starts[j];
    const gradNorm = values.slice(start, start + T);
    const sigma = values.slice(start + T, start + T + nk[j]);
    const total = values[start + T + nk[j]];
    const loss = values[start + T + nk[j] + 1];
    const clip = clipThreshold !== null && Number.isFinite(total) && total > clipThreshold;
    const factor = clip ? clipThreshold / total : 1.0; // one factor for the whole gradient
    const n = powers.length / base.sigma.length;
    const last = gradNorm[T - 1];
    const bound = Array.from({ length: T }, (_, k) => last * powers[i * n + T - 1 - k]);
    const s = table.sigmaMax[i];
    const g = base.gamma[activation];
    let firstBad = null;
    gradNorm.forEach((v, k) => {
      if (!Number.isFinite(v)) firstBad = k + 1;
    });
    return {
      k: Array.from({ length: T }, (_, k) => k + 1),
      grad_norm: gradNorm,
      grad_norm_clipped: gradNorm.map((v) => v * factor),
      total_norm: total,
      clip_factor: factor,
      sigma_max: s,
      spectral_radius: table.rho[i],
      gamma: g,
      activation,
      regime: regime(s, g),
      bound,
      sigma_k: base.sigma_k[String(T)],
      sigma,
      ratio: last > 0 ? gradNorm[0] / last : Number.NaN,
      first_nonfinite: firstBad,
      nonfinite: firstBad === null ? null : gradNorm.some(Number.isNaN) ? "NaN" : "inf",
      loss,
    };
  }

  function overflowText(r) {
    const bad = r.first_nonfinite;
    if (bad === null) return "";
    const what = r.nonfinite === "inf" ? "overflow (inf)" : "NaN";
    let text = `${what} from step ${bad} back to step 1`;
    if (!Number.isFinite(r.loss))
      text += `<br>(the forward pass itself overflowed: the loss is ${fmt(r.loss)})`;
    return text;
  }

  // what the bound says: necessary, not sufficient, for exploding (views.verdict)
  function verdict(regime) {
    return regime === "exploding" ? "exploding possible" : `${regime} predicted`;
  }

  function defaultTitle(r) {
    return `Gradient through time: σ_max·γ = ${fmt(r.sigma_max * r.gamma, 3)}, ${verdict(r.regime)}`;
  }

  function statusLines(r) {
    const lines = [
      `σ_max·γ = ${fmt(r.sigma_max, 3)} × ${fmt(r.gamma)} = ` +
        `${fmt(r.sigma_max * r.gamma, 3)}: ${verdict(r.regime)}`,
      `||dL/da<1>|| / ||dL/da<T>|| = ${fmt(r.ratio)}`,
    ];
    if (r.first_nonfinite !== null) lines.push(overflowText(r).split("<br>")[0]);
    return lines;
  }

  const EXPLAIN = {
    vanishing: "σ_max·γ < 1 is sufficient: the gradient must shrink at least as fast as the bound",
    exploding:
      "σ_max·γ > 1 is necessary, not sufficient: it may explode, or saturated units may still " +
      "make it vanish",
    // a linear g has no saturated units: its Jacobian product is a power of W_aa, which over
    // many steps grows or shrinks like the power of W_aa's spectral radius
    exploding_linear:
      "σ_max·γ > 1 is necessary, not sufficient: for a linear g, the gradient grows over many " +
      "steps if the spectral radius ρ(W_aa) > 1 and shrinks if ρ(W_aa) < 1",
    neither: "σ_max·γ = 1: the bound neither grows nor shrinks",
    undefined: "σ_max(W_aa) is not a number: W_aa holds NaN",
  };

  function readouts(r, clipThreshold) {
    const s = r.sigma_max,
      g = r.gamma,
      ratio = r.ratio;
    let observed;
    if (!Number.isFinite(ratio)) observed = "not a number";
    else if (ratio < 1e-2) observed = "vanished";
    else if (ratio > 1e2) observed = "exploded";
    else if (ratio > 1.5) observed = "grew, but less than 100×";
    else if (ratio < 1 / 1.5) observed = "shrank, but less than 100×";
    else observed = "kept its size";
    let clip;
    if (clipThreshold === null) clip = "off";
    else if (!Number.isFinite(r.total_norm))
      clip = `c = ${fmt(clipThreshold)}, but ||g|| = ${fmt(r.total_norm)}: cannot rescale`;
    else if (r.clip_factor < 1)
      clip =
        `||g|| = ${fmt(r.total_norm)} > c = ${fmt(clipThreshold)}: the whole ` +
        `gradient × ${fmt(r.clip_factor)}`;
    else clip = `||g|| = ${fmt(r.total_norm)} ≤ c = ${fmt(clipThreshold)}: unchanged`;
    const linear = r.regime === "exploding" && r.activation === "linear";
    const explained = linear ? "exploding_linear" : r.regime;
    return {
      "σ_max(W_aa)·γ": `${fmt(s, 3)} × ${fmt(g)} = ${fmt(s * g, 3)}`,
      "spectral radius ρ(W_aa)": fmt(r.spectral_radius, 3),
      predicted: `${r.regime}: ${EXPLAIN[explained]}`,
      "ratio ||dL/da<1>|| / ||dL/da<T>||": `${fmt(ratio)} (${observed})`,
      overflow: overflowText(r).replace("<br>", " ") || "none: every number is finite",
      clipping: clip,
      "loss at step T": fmt(r.loss, 3),
    };
  }

  function readoutTable(rows) {
    const body = Object.entries(rows)
      .map(
        ([k, v]) =>
          `<div class="rnnviz-name">${escapeHtml(k)}</div>` +
          `<div class="rnnviz-value">${escapeHtml(v)}</div>`,
      )
      .join("");
    return `<div class="rnnviz-readout">${body}</div>`;
  }

  function chainData(r, clipThreshold, viridis, logRange) {
    const norms = r.grad_norm;
    const T = norms.length;
    const shown = clipThreshold !== null ? r.grad_norm_clipped : norms;
    const rel = Array.from(norms, (v) => v / norms[T - 1]);
    const state = rel.map((q, i) => {
      const v = norms[i];
      if (Number.isNaN(v) || Number.isNaN(q)) return "NaN";
      if (!Number.isFinite(v) || !Number.isFinite(q)) return "inf";
      return v === 0 ? "zero" : "ok";
    });
    const [lo, hi] = logRange;
    const raw = rel.map((q, i) => {
      if (state[i] === "inf" || state[i] === "NaN") return 1.0;
      if (state[i] !== "ok") return 0.0;
      return Math.min(Math.max((Math.log10(q) - lo) / (hi - lo), 0.0), 1.0);
    });
    const color = raw.map((h, i) => (state[i] === "ok" ? viridis[rint(h * 255)] : "#ffffff"));
    const what = clipThreshold !== null ? "||dL/da<k>|| after clipping" : "||dL/da<k>||";
    const text = Array.from(shown, (v) => fmt(v));
    const relative = rel.map((v) => fmt(v));
    let summary =
      `${atStep(what, 1)} = ${text[0]},  ${atStep(what, "T")} = ${text[T - 1]}:  ` +
      `the gradient changed ${relative[0]}× on its way back`;
    if (r.first_nonfinite !== null) summary = overflowText(r).replace("<br>", " ");
    else if (norms[T - 1] === 0)
      summary = `${atStep(what, "T")} is exactly 0: the output is saturated, nothing flows back`;
    const ticks = [];
    for (let t = lo; t < hi + 1; t += 8)
      ticks.push([(t - lo) / (hi - lo), t === 0 ? "1" : `1e${Math.trunc(t)}`]);
    const stops = viridis.filter((_, i) => i % 32 === 0).concat([viridis[viridis.length - 1]]);
    return {
      T,
      height: raw.map((h) => rint(h * 10000) / 10000),
      color,
      text,
      relative,
      state,
      quantity: what,
      summary,
      overflow: overflowText(r).replace("<br>", " "),
      ticks,
      stops,
    };
  }

  // the explorer's figure title: the whole setting
  function explorerTitle(s) {
    let title =
      `${s.activation}, T = ${s.T}, σ_max(W_aa) = ${formatF(s.weight_scale, 2)}, ` +
      `n_a = ${s.n_a}, seed ${s.seed}, ${s.dtype}`;
    if (s.clip_threshold !== null) title += `, clip c = ${fmt(s.clip_threshold)}`;
    return title;
  }

  // --- figures (rnnviz.figures): fill a figure made in Python with a new setting ---------------

  const html = (text) => text.replace(/<(k|t|T|1|j|t-1|k\+1)>/g, "&lt;$1&gt;");

  const positive = (values) =>
    Array.from(values, (v) => (Number.isFinite(v) && v > 0 ? v : Number.NaN));

  function setXY(trace, x, y) {
    const any = y.some(Number.isFinite);
    trace.x = any ? Array.from(x) : [];
    trace.y = any ? y : [];
  }

  function logTicks(bottom, top, most = 8) {
    const lo = Math.floor(Math.log10(bottom)),
      hi = Math.ceil(Math.log10(top));
    if (hi - lo <= 3) {
      const ticks = [];
      for (let e = lo; e <= hi; e++)
        for (const m of [1, 2, 5]) {
          const t = m * Number(`1e${e}`);
          if (bottom <= t * (1 + 1e-9) && t * (1 + 1e-9) <= top * (1 + 2e-9))
            ticks.push(Number(t.toPrecision(3)));
        }
      return [ticks, ticks.map((t) => site.formatG(t, 6))];
    }
    const step = [1, 2, 3, 4, 5, 10, 20, 25, 50, 100, 200].find((s) => (hi - lo) / s <= most);
    const ks = [];
    for (let k = Math.ceil(lo / step) * step; k < hi + 1; k += step) ks.push(k);
    return [ks.map((k) => Number(`1e${k}`)), ks.map((k) => site.powerOfTen(k))];
  }

  // figures.gradient_norms.draw_gradient_norms
  function drawGradientNorms(fig, r, clipThreshold, title) {
    const T = r.k.length;
    const k = r.k;
    const grad = r.grad_norm,
      clipped = r.grad_norm_clipped;
    const last = grad[T - 1];
    const sigma = Array.from(r.sigma, (v) => v * last);
    const curves = [positive(grad), positive(r.bound), positive(sigma)];
    const clipping = clipThreshold !== null;
    if (clipping) curves.push(positive(clipped));
    const finite = curves
      .flat()
      .concat([clipThreshold ?? Number.NaN])
      .filter(Number.isFinite);
    const top = finite.length ? Math.min(10 * Math.max(...finite), 1e308) : 10.0;
    const bottom = finite.length ? Math.max(Math.min(...finite) / 10, 1e-320) : 0.1;
    const shown = clipping ? clipped : grad;
    const edge = Array.from(shown, (v) => !Number.isFinite(v) || v === 0);
    const pick = (values) => Array.from(values).filter((_, i) => edge[i]);
    const edgeY = pick(shown).map((v) => (Number.isFinite(v) ? bottom : top));
    const edgeText = pick(shown).map((v) =>
      Number.isNaN(v) ? "NaN" : Number.isFinite(v) ? "0" : "inf (overflow)",
    );
    const factor = r.clip_factor;
    const d = fig.data;
    setXY(d[0], k, curves[0]);
    setXY(d[1], k, curves[1]);
    setXY(d[2], r.sigma_k, curves[2]);
    d[3].visible = clipping;
    d[4].visible = clipping;
    d[5].visible = edge.some(Boolean);
    d[5].x = pick(k);
    d[5].y = edgeY;
    d[5].text = edgeText;
    d[5].marker = { ...d[5].marker, symbol: edgeY.map((y) => (y === top ? "x" : "triangle-down")) };
    if (clipping) {
      setXY(d[3], k, curves[3]);
      d[3].name =
        factor < 1
          ? `after clipping: the whole gradient × ${fmt(factor)}<br>(same shape, shifted down)`
          : `after clipping: unchanged (||g|| = ${fmt(r.total_norm)} ≤ c)`;
      d[4].x = [0.5, T + 0.5];
      d[4].y = [clipThreshold, clipThreshold];
      d[4].name = `clip threshold c = ${fmt(clipThreshold)} on ||g||, the whole gradient`;
    }
    const layout = fig.layout;
    layout.title = { ...layout.title, text: html(title || defaultTitle(r)) };
    layout.xaxis = { ...layout.xaxis, range: [0.5, T + 0.5] };
    const [tickvals, ticktext] = logTicks(bottom, top);
    layout.yaxis = { ...layout.yaxis, tickvals, ticktext };
    if (finite.length) {
      layout.yaxis.autorange = true;
      delete layout.yaxis.range;
    } else Object.assign(layout.yaxis, { autorange: false, range: [-1.3, 1.1] });
    const bad = r.first_nonfinite;
    const notes = layout.annotations.map((a) => ({ ...a }));
    notes[0].text = statusLines(r)
      .map((line) => html(line))
      .join("<br>");
    notes[1].visible = bad !== null;
    const shapes = layout.shapes.map((s) => ({ ...s }));
    shapes[0].visible = bad !== null;
    if (bad !== null) {
      shapes[0].x1 = bad + 0.5;
      notes[1].x = 0.5 + 0.02 * T;
      notes[1].text = html(overflowText(r));
    }
    layout.annotations = notes;
    layout.shapes = shapes;
    return fig;
  }

  // --- clipping a 2-D gradient (views.clipping_geometry, figures.clipping) -------------------

  function clippingGeometry(db, i1, i2, ic) {
    const { g: gs, c: cs } = db;
    const g = [gs[i1], gs[i2]];
    const c = cs[ic];
    const ig = i1 * gs.length + i2;
    const [total, angleG, normG] = db.perG.slice(3 * ig, 3 * ig + 3);
    const at = 4 * (ig * cs.length + ic);
    const [angleV, normV, angleN, normN] = db.perGC.slice(at, at + 4);
    const byValue = g.map((v) => Math.min(Math.max(v, -c), c));
    const byNorm = total > c ? g.map((v) => v * (c / total)) : g.slice();
    const turn = (a) => Math.abs(pyMod(a - angleG + 180, 360) - 180);
    return {
      g,
      by_value: byValue,
      by_norm: byNorm,
      clip_threshold: c,
      angle_g: angleG,
      angle_by_value: angleV,
      angle_by_norm: angleN,
      norm_g: normG,
      norm_by_value: normV,
      norm_by_norm: normN,
      turn_by_value: turn(angleV),
      turn_by_norm: turn(angleN),
    };
  }

  function clippingReadouts(r) {
    const row = (n, a) => `length ${formatF(n, 2)}, angle ${formatF(a, 1)}°`;
    const same = (v) => v[0] === r.g[0] && v[1] === r.g[1];
    const effect = (clipped, turn) => {
      if (same(clipped)) return "unchanged";
      return turn >= 0.05 ? `shorter, turned by ${formatF(turn, 1)}°` : "only shorter, not turned";
    };
    return {
      g: row(r.norm_g, r.angle_g),
      "clipped by value": `${row(r.norm_by_value, r.angle_by_value)}: ${effect(r.by_value, r.turn_by_value)}`,
      "clipped by norm": `${row(r.norm_by_norm, r.angle_by_norm)}: ${effect(r.by_norm, r.turn_by_norm)}`,
    };
  }

  // figures.clipping.draw_clipping_geometry, with the widget's fixed view (limit)
  function drawClippingGeometry(fig, r, limit) {
    const c = r.clip_threshold;
    const labels = { g: "g", by_value: "by value", by_norm: "by norm" };
    fig.data.forEach((trace) => {
      const v = r[trace.meta];
      trace.x = [0.0, v[0]];
      trace.y = [0.0, v[1]];
      trace.text = ["", labels[trace.meta]];
    });
    const L = limit || 1.15 * Math.max(Math.abs(r.g[0]), Math.abs(r.g[1]), c, 1.0);
    const layout = fig.layout;
    layout.xaxis = { ...layout.xaxis, range: [-L, L] };
    layout.yaxis = { ...layout.yaxis, range: [-L, L] };
    layout.shapes = layout.shapes.map((s) => ({ ...s, x0: -c, y0: -c, x1: c, y1: c }));
    layout.title = {
      ...layout.title,
      text:
        `Clip threshold c = ${fmt(c, 3)}: by value turns g by ${formatF(r.turn_by_value, 1)}°, ` +
        "by norm by 0°",
    };
    return fig;
  }

  // --- the connectivity heatmap (views.connectivity_map, figures.connectivity) ---------------

  function heatmapTable(base, values) {
    const sizes = base.T.map((T) => (T * (T + 1)) / 2);
    const perSigma = sizes.reduce((a, b) => a + b, 0);
    const starts = sizes.map((_, j) => sizes.slice(0, j).reduce((a, b) => a + b, 0));
    return { base, values: f64(values), perSigma, starts };
  }

  // C[t][k] for k <= t, 0 above the diagonal
  function connectivityMap(table, i, j) {
    const T = table.base.T[j];
    let at = i * table.perSigma + table.starts[j];
    const C = [];
    for (let t = 0; t < T; t++) {
      const row = new Array(T).fill(0);
      for (let k = 0; k <= t; k++) row[k] = table.values[at++];
      C.push(row);
    }
    return C;
  }

  function connectivityTitle(C, nBad, nCells) {
    const T = C.length;
    if (nBad) return `${nBad} of ${nCells} cells overflowed to inf or NaN (grey)`;
    if (T > 1 && C[T - 1][T - 1] === 0)
      return "||∂ŷ<T>/∂x<T>|| = 0: the last output is saturated and feels no input";
    const ratio = T > 1 ? C[T - 1][0] / C[T - 1][T - 1] : Number.NaN;
    return `||∂ŷ<T>/∂x<1>|| / ||∂ŷ<T>/∂x<T>|| = ${fmt(ratio)}`;
  }

  // figures.connectivity.draw_connectivity with a fixed colour range [zmin, zmax] (log10)
  function drawConnectivity(fig, C, zmin, zmax) {
    const T = C.length;
    let nBad = 0;
    const z = [],
      custom = [],
      over = [];
    for (let t = 0; t < T; t++) {
      z.push([]);
      custom.push([]);
      over.push([]);
      for (let k = 0; k < T; k++) {
        const v = C[t][k];
        const lower = k <= t;
        const finite = lower && Number.isFinite(v);
        let zz = finite && v > 0 ? Math.log10(v) : null;
        if (finite && v === 0) zz = zmin;
        z[t].push(zz);
        custom[t].push(finite ? v : null);
        const bad = lower && !Number.isFinite(v);
        if (bad) nBad++;
        over[t].push(bad ? 1.0 : null);
      }
    }
    const step = Math.max(1, Math.ceil((zmax - zmin) / 6));
    const ticks = [];
    for (let t = Math.ceil(zmin); t < zmax + 1; t += step) ticks.push(t);
    const [heat, overflow] = fig.data;
    const steps = Array.from({ length: T }, (_, i) => i + 1);
    heat.x = heat.y = overflow.x = overflow.y = steps;
    heat.z = z;
    heat.customdata = custom;
    heat.zmin = zmin;
    heat.zmax = zmax;
    heat.colorbar = {
      ...heat.colorbar,
      tickvals: ticks,
      ticktext: ticks.map((t) => site.powerOfTen(Math.trunc(t))),
    };
    overflow.z = over;
    fig.layout.title = {
      ...fig.layout.title,
      text: html(connectivityTitle(C, nBad, (T * (T + 1)) / 2)),
    };
    return fig;
  }

  // --- the gated cells' explorer (rnnviz.lessons.gated: cell_gradients, CellExplorer) -------

  function cellsTable(base) {
    const sizes = base.T.map((T) => 3 * T + 2);
    return {
      base,
      rnn: f64(base.rnn),
      gated: f64(base.gated),
      perBias: sizes.reduce((a, b) => a + b, 0),
      starts: sizes.map((_, j) => sizes.slice(0, j).reduce((a, b) => a + b, 0)),
      rnnStarts: base.T.map((_, j) => base.T.slice(0, j).reduce((a, b) => a + b, 0)),
    };
  }

  // cell_gradients(x[:T], y, update_bias, forget_bias): the GRU reads only b_u, the LSTM b_f
  function cellCurves(table, j, updateBias, forgetBias) {
    const T = table.base.T[j];
    const block = (bias) => {
      const at = table.base.bias.indexOf(bias) * table.perBias + table.starts[j];
      return table.gated.slice(at, at + 3 * T + 2);
    };
    const gru = block(updateBias),
      lstm = block(forgetBias);
    const at = table.rnnStarts[j];
    return {
      k: Array.from({ length: T }, (_, i) => i + 1),
      rnn: table.rnn.slice(at, at + T),
      gru: gru.slice(0, T),
      lstm: lstm.slice(T, 2 * T),
      lstm_c: lstm.slice(2 * T, 3 * T),
      keep_gru: gru[3 * T],
      keep_lstm: lstm[3 * T + 1],
    };
  }

  // the share of the gradient reaching the noun (step 2), as the widget's readout says it
  function cellReadouts(c, labels) {
    const arriving = { rnn: "rnn", gru: "gru", lstm: "lstm", lstm_c: "lstm" };
    const keep = {
      gru: `1 - Γ_u ≈ ${formatF(c.keep_gru, 2)}`,
      lstm_c: `Γ_f ≈ ${formatF(c.keep_lstm, 2)}`,
    };
    const rows = { "share reaching the noun": "||dL/d·<2>|| / ||dL/da<T>||" };
    for (const [key, label] of Object.entries(labels)) {
      const last = c[arriving[key]];
      const share = c[key][1] / last[last.length - 1];
      rows[label] = fmt(share) + (key in keep ? `   (keep ${keep[key]} per step)` : "");
    }
    return rows;
  }

  // lessons.gated.draw_cell_gradients; `cells`: the cells each "show" option draws
  function drawCellGradients(fig, c, show, cells, title) {
    const T = c.k.length;
    const cellOf = { rnn: "rnn", gru: "gru", lstm: "lstm", lstm_c: "lstm" };
    const ys = {};
    for (const trace of fig.data) ys[trace.meta] = positive(c[trace.meta]);
    const visible = fig.data.map((t) => cells[show].includes(cellOf[t.meta]));
    const shown = fig.data
      .filter((_, i) => visible[i])
      .flatMap((t) => ys[t.meta])
      .filter(Number.isFinite);
    const top = shown.length ? 10 * Math.max(...shown) : 10.0;
    const bottom = shown.length ? Math.max(Math.min(...shown) / 10, 1e-300) : 0.1;
    fig.data.forEach((trace, i) => {
      trace.x = c.k;
      trace.y = ys[trace.meta];
      trace.visible = visible[i];
    });
    const layout = fig.layout;
    layout.title = {
      ...layout.title,
      text: html(title || `The gradient of the loss at step T = ${T}, at every step k`),
    };
    layout.xaxis = { ...layout.xaxis, range: [0.5, T + 0.5] };
    const [tickvals, ticktext] = logTicks(bottom, top);
    layout.yaxis = {
      ...layout.yaxis,
      range: [Math.log10(bottom), Math.log10(top)],
      tickvals,
      ticktext,
    };
    return fig;
  }

  Object.assign(site, {
    cellsTable,
    cellCurves,
    cellReadouts,
    drawCellGradients,
    f64,
    rint,
    explorerTable,
    gradientFlow,
    overflowText,
    defaultTitle,
    statusLines,
    readouts,
    readoutTable,
    chainData,
    explorerTitle,
    html,
    logTicks,
    drawGradientNorms,
    clippingGeometry,
    clippingReadouts,
    drawClippingGeometry,
    heatmapTable,
    connectivityMap,
    drawConnectivity,
  });
})(globalThis.rnnvizSite);
