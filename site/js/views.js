// The numbers of one setting of each live view, read from the data the engine precomputed
// (site/coursesite/data.py), in the form the view's module draws (rnnviz/widgets/static): what
// the kernel would send. Nothing is drawn or worded here.
globalThis.rnnvizSite = globalThis.rnnvizSite || {};
((site) => {
  function f64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new Float64Array(bytes.buffer); // little-endian, as every browser platform is
  }

  // a fixed result the kernel computed, as the build stored it (arrays as base64)
  function decoded(result) {
    const out = {};
    for (const [k, v] of Object.entries(result))
      out[k] = v && typeof v === "object" && v.f64 !== undefined ? f64(v.f64) : v;
    return out;
  }

  const offsets = (sizes) => sizes.map((_, j) => sizes.slice(0, j).reduce((a, b) => a + b, 0));
  const total = (sizes) => sizes.reduce((a, b) => a + b, 0);

  // --- the gradient-flow explorer: one activation's numbers, by (sigma, T) -------------------

  function explorerTable(base, values, powers) {
    const sizes = base.T.map((T) => T + base.sigma_k[String(T)].length + 2);
    return {
      base,
      values: f64(values),
      powers: f64(powers),
      perSigma: total(sizes),
      starts: offsets(sizes),
      sigmaMax: f64(base.sigma_max),
      rho: f64(base.spectral_radius),
    };
  }

  // diagnostics.explore's numbers at a setting on the grid. The page derives three with one
  // correctly rounded operation each, as numpy does (tests/test_site.py checks them): clipping
  // (one factor c / ||g|| for all k), the bound ||dL/da<T>|| (sigma_max gamma)^(T-k) from stored
  // powers, and the ratio ||dL/da<1>|| / ||dL/da<T>||.
  function gradientFlow(table, setting) {
    const { base, values, powers } = table;
    const i = base.sigma.indexOf(setting.weight_scale);
    const j = base.T.indexOf(setting.T);
    if (i < 0 || j < 0) throw new Error(`not on the site's grid: ${JSON.stringify(setting)}`);
    const T = base.T[j];
    const nk = base.sigma_k[String(T)].length;
    const start = i * table.perSigma + table.starts[j];
    const gradNorm = values.slice(start, start + T);
    const totalNorm = values[start + T + nk];
    const c = setting.clip_threshold;
    const factor = c !== null && Number.isFinite(totalNorm) && totalNorm > c ? c / totalNorm : 1.0;
    const n = powers.length / base.sigma.length;
    const last = gradNorm[T - 1];
    let firstBad = null;
    gradNorm.forEach((v, k) => {
      if (!Number.isFinite(v)) firstBad = k + 1;
    });
    const a = setting.activation;
    return {
      setting,
      grad_norm: gradNorm,
      grad_norm_clipped: gradNorm.map((v) => v * factor),
      bound: Float64Array.from({ length: T }, (_, k) => last * powers[i * n + T - 1 - k]),
      sigma_k: Float64Array.from(base.sigma_k[String(T)]),
      sigma: values.slice(start + T, start + T + nk),
      sigma_max: table.sigmaMax[i],
      gamma: base.gamma[a],
      spectral_radius: table.rho[i],
      ratio: last > 0 ? gradNorm[0] / last : Number.NaN,
      total_norm: totalNorm,
      clip_factor: factor,
      loss: values[start + T + nk + 1],
      regime: base.regime[a][i],
      activation: a,
      first_nonfinite: firstBad,
      nonfinite: firstBad === null ? null : gradNorm.some(Number.isNaN) ? "NaN" : "inf",
    };
  }

  // --- clipping a 2-D gradient ---------------------------------------------------------------

  function clippingTable(base) {
    return { ...base, perG: f64(base.per_g), perGC: f64(base.per_gc) };
  }

  // views.clipping_geometry at a setting on the grid; the clipped vectors derived exactly:
  // by value min(max(g_i, -c), c), by norm g_i * (c / ||g||) when ||g|| > c
  function clippingGeometry(db, setting) {
    const i1 = db.g.indexOf(setting.g1);
    const i2 = db.g.indexOf(setting.g2);
    const ic = db.c.indexOf(setting.clip_threshold);
    if (i1 < 0 || i2 < 0 || ic < 0)
      throw new Error(`not on the site's grid: ${JSON.stringify(setting)}`);
    const g = [setting.g1, setting.g2];
    const c = setting.clip_threshold;
    const ig = i1 * db.g.length + i2;
    const [totalNorm, angleG, normG] = db.perG.slice(3 * ig, 3 * ig + 3);
    const at = 6 * (ig * db.c.length + ic);
    const [angleV, normV, angleN, normN, turnV, turnN] = db.perGC.slice(at, at + 6);
    return {
      setting,
      g: Float64Array.from(g),
      by_value: Float64Array.from(g, (v) => Math.min(Math.max(v, -c), c)),
      by_norm: Float64Array.from(g, (v) => (totalNorm > c ? v * (c / totalNorm) : v)),
      clip_threshold: c,
      angle_g: angleG,
      angle_by_value: angleV,
      angle_by_norm: angleN,
      norm_g: normG,
      norm_by_value: normV,
      norm_by_norm: normN,
      turn_by_value: turnV,
      turn_by_norm: turnN,
    };
  }

  // --- the connectivity heatmap: lower triangles, by (sigma, T) ------------------------------

  function heatmapTable(base, values) {
    const sizes = base.T.map((T) => (T * (T + 1)) / 2);
    return { base, values: f64(values), perSigma: total(sizes), starts: offsets(sizes) };
  }

  function connectivityMap(table, setting) {
    const i = table.base.sigma.indexOf(setting.weight_scale);
    const j = table.base.T.indexOf(setting.T);
    if (i < 0 || j < 0) throw new Error(`not on the site's grid: ${JSON.stringify(setting)}`);
    const T = table.base.T[j];
    let at = i * table.perSigma + table.starts[j];
    const C = new Float64Array(T * T); // 0 above the diagonal, as the engine's map
    for (let t = 0; t < T; t++) for (let k = 0; k <= t; k++) C[t * T + k] = table.values[at++];
    return { setting, C };
  }

  // --- the gated cells' explorer ------------------------------------------------------------

  function cellsTable(base) {
    const sizes = base.T.map((T) => 3 * T + 2);
    return {
      base,
      rnn: f64(base.rnn),
      gated: f64(base.gated),
      perBias: total(sizes),
      starts: offsets(sizes),
      rnnStarts: offsets(base.T),
    };
  }

  // lessons.gated.cell_gradients at a setting: the GRU reads only b_u, the LSTM only b_f
  function cellCurves(table, setting) {
    const j = table.base.T.indexOf(setting.T);
    const T = table.base.T[j];
    const block = (bias) => {
      const i = table.base.bias.indexOf(bias);
      if (i < 0 || j < 0) throw new Error(`not on the site's grid: ${JSON.stringify(setting)}`);
      const at = i * table.perBias + table.starts[j];
      return table.gated.slice(at, at + 3 * T + 2);
    };
    const gru = block(setting.update_bias);
    const lstm = block(setting.forget_bias);
    const at = table.rnnStarts[j];
    return {
      setting,
      rnn: table.rnn.slice(at, at + T),
      gru: gru.slice(0, T),
      lstm: lstm.slice(T, 2 * T),
      lstm_c: lstm.slice(2 * T, 3 * T),
      keep_gru: gru[3 * T],
      keep_lstm: lstm[3 * T + 1],
    };
  }

  Object.assign(site, {
    f64,
    decoded,
    explorerTable,
    gradientFlow,
    clippingTable,
    clippingGeometry,
    heatmapTable,
    connectivityMap,
    cellsTable,
    cellCurves,
  });
})(globalThis.rnnvizSite);
