// The numbers of one setting of each live view, read from the data the engine precomputed
// (site/coursesite/data.py), in the form the view's module draws (rnnviz/widgets/static): what
// the kernel would send. Nothing is drawn or worded here.
//
// A view's numbers come in small files: a base file (its grids, and what its settings share)
// and chunks, one per value of one control (the explorer's: one per activation and sigma_max),
// so that a page fetches only what the setting it shows needs. For each kind of view:
//
//   base(payload)                  the base file, decoded once
//   chunks(base, setting)          the names of the chunk files the setting needs (throws when
//                                  the setting is not on the site's grid)
//   chunk(payload)                 a chunk file, decoded
//   result(base, chunks, setting)  the numbers the view's module draws
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
  const offGrid = (setting) => new Error(`not on the site's grid: ${JSON.stringify(setting)}`);
  // the index of each value in its grid; throws if one is not there
  const indices = (setting, grids) =>
    grids.map(([grid, value]) => {
      const i = grid.indexOf(value);
      if (i < 0) throw offGrid(setting);
      return i;
    });

  // --- the gradient-flow explorer: a chunk per (activation, sigma), every T in it -----------

  // diagnostics.explore's numbers at a setting on the grid. The page derives three with one
  // correctly rounded operation each, as numpy does (tests/test_site.py checks them): clipping
  // (one factor c / ||g|| for all k), the bound ||dL/da<T>|| (sigma_max gamma)^(T-k) from stored
  // powers, and the ratio ||dL/da<1>|| / ||dL/da<T>||.
  const explorer = {
    base: (b) => ({
      ...b,
      starts: offsets(b.T.map((T) => T + b.sigma_k[String(T)].length + 2)),
      sigmaMax: f64(b.sigma_max),
      rho: f64(b.spectral_radius),
    }),
    chunks(base, s) {
      const [i] = indices(s, [
        [base.sigma, s.weight_scale],
        [base.T, s.T],
        [base.activations, s.activation],
      ]);
      return [`explorer-${s.activation}-${i}`];
    },
    chunk: (d) => ({ values: f64(d.values), powers: f64(d.powers) }),
    result(base, [{ values, powers }], setting) {
      const i = base.sigma.indexOf(setting.weight_scale);
      const j = base.T.indexOf(setting.T);
      const T = base.T[j];
      const nk = base.sigma_k[String(T)].length;
      const start = base.starts[j];
      const gradNorm = values.slice(start, start + T);
      const totalNorm = values[start + T + nk];
      const c = setting.clip_threshold;
      const factor =
        c !== null && Number.isFinite(totalNorm) && totalNorm > c ? c / totalNorm : 1.0;
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
        bound: Float64Array.from({ length: T }, (_, k) => last * powers[T - 1 - k]),
        sigma_k: Float64Array.from(base.sigma_k[String(T)]),
        sigma: values.slice(start + T, start + T + nk),
        sigma_max: base.sigmaMax[i],
        gamma: base.gamma[a],
        spectral_radius: base.rho[i],
        ratio: last > 0 ? gradNorm[0] / last : Number.NaN,
        total_norm: totalNorm,
        clip_factor: factor,
        loss: values[start + T + nk + 1],
        regime: base.regime[a][i],
        activation: a,
        first_nonfinite: firstBad,
        nonfinite: firstBad === null ? null : gradNorm.some(Number.isNaN) ? "NaN" : "inf",
      };
    },
  };

  // --- clipping a 2-D gradient: a chunk per g1, every (g2, c) in it ---------------------------

  // views.clipping_geometry at a setting on the grid; the clipped vectors derived exactly:
  // by value min(max(g_i, -c), c), by norm g_i * (c / ||g||) when ||g|| > c
  const clipping = {
    base: (b) => b,
    chunks(base, s) {
      const [i1] = indices(s, [
        [base.g, s.g1],
        [base.g, s.g2],
        [base.c, s.clip_threshold],
      ]);
      return [`clipping-${i1}`];
    },
    chunk: (d) => ({ perG: f64(d.per_g), perGC: f64(d.per_gc) }),
    result(base, [{ perG, perGC }], setting) {
      const i2 = base.g.indexOf(setting.g2);
      const g = [setting.g1, setting.g2];
      const c = setting.clip_threshold;
      const [totalNorm, angleG, normG] = perG.slice(3 * i2, 3 * i2 + 3);
      const at = 6 * (i2 * base.c.length + base.c.indexOf(c));
      const [angleV, normV, angleN, normN, turnV, turnN] = perGC.slice(at, at + 6);
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
    },
  };

  // --- the connectivity heatmap: a chunk per (activation, sigma), the lower triangles --------

  const heatmap = {
    base: (b) => ({ ...b, starts: offsets(b.T.map((T) => (T * (T + 1)) / 2)) }),
    chunks(base, s) {
      const [i] = indices(s, [
        [base.sigma, s.weight_scale],
        [base.T, s.T],
        [base.activations, s.activation],
      ]);
      return [`heatmap-${s.activation}-${i}`];
    },
    chunk: (d) => f64(d.values),
    result(base, [values], setting) {
      const j = base.T.indexOf(setting.T);
      const T = base.T[j];
      let at = base.starts[j];
      const C = new Float64Array(T * T); // 0 above the diagonal, as the engine's map
      for (let t = 0; t < T; t++) for (let k = 0; k <= t; k++) C[t * T + k] = values[at++];
      return { setting, C };
    },
  };

  // --- the gated cells' explorer: a chunk per gate bias ---------------------------------------

  // lessons.gated.cell_gradients at a setting: the GRU reads only b_u, the LSTM only b_f
  const cells = {
    base: (b) => ({
      ...b,
      rnn: f64(b.rnn),
      starts: offsets(b.T.map((T) => 3 * T + 2)),
      rnnStarts: offsets(b.T),
    }),
    chunks(base, s) {
      const [, u, f] = indices(s, [
        [base.T, s.T],
        [base.bias, s.update_bias],
        [base.bias, s.forget_bias],
      ]);
      return [`cells-${u}`, `cells-${f}`];
    },
    chunk: (d) => f64(d.gated),
    result(base, [gruBlock, lstmBlock], setting) {
      const j = base.T.indexOf(setting.T);
      const T = base.T[j];
      const at = base.starts[j];
      const gru = gruBlock.slice(at, at + 3 * T + 2);
      const lstm = lstmBlock.slice(at, at + 3 * T + 2);
      const r = base.rnnStarts[j];
      return {
        setting,
        rnn: base.rnn.slice(r, r + T),
        gru: gru.slice(0, T),
        lstm: lstm.slice(T, 2 * T),
        lstm_c: lstm.slice(2 * T, 3 * T),
        keep_gru: gru[3 * T],
        keep_lstm: lstm[3 * T + 1],
      };
    },
  };

  Object.assign(site, { f64, decoded, views: { explorer, clipping, heatmap, cells } });
})(globalThis.rnnvizSite);
