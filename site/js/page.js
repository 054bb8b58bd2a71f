// A notebook page: draws its plotly figures and runs its widgets without a kernel.
//
// Every widget reads the numbers the engine precomputed (data/*.js, loaded with <script> tags on
// first use), computes what it shows with views.js and draws it with plotly.js; the gradient
// chain is the widget's own front end (static/chain.js, the anywidget module JupyterLab runs),
// given a small stand-in for the anywidget model.
globalThis.rnnvizSite = globalThis.rnnvizSite || {};
((site) => {
  const CHAIN = new URL("chain.js", document.currentScript.src).href;
  const PLOTLY = new URL("plotly.min.js", document.currentScript.src).href;
  const DATA = new URL("../data/", document.currentScript.src).href;
  // no "Share chart..." button: it would send the figure off the site
  const CONFIG = { displaylogo: false, responsive: false, showSendToCloud: false };

  // --- data files ------------------------------------------------------------------------------

  const store = {};
  const waiting = {};
  site.receive = (name, payload) => {
    store[name] = payload;
    for (const [resolve] of waiting[name] || []) resolve(payload);
    delete waiting[name];
  };
  site.load = (name) => {
    if (name in store) return Promise.resolve(store[name]);
    return new Promise((resolve, reject) => {
      if (!waiting[name]) {
        waiting[name] = [];
        const s = document.createElement("script");
        s.src = `${DATA}${name}.js`;
        s.onerror = () => {
          for (const [, fail] of waiting[name] || []) fail(new Error(`cannot load ${s.src}`));
          delete waiting[name];
        };
        document.head.appendChild(s);
      }
      waiting[name].push([resolve, reject]);
    });
  };

  // plotly.js (its cartesian bundle, 1.5 MB) loads after the widgets' numbers, so that their controls, readouts and
  // chain work while it starts; every figure waits for it
  let plotly = null;
  let widgetsWork;
  const gate = new Promise((resolve) => {
    widgetsWork = resolve;
  });
  site.plotly = () => {
    plotly ??= gate.then(
      () =>
        new Promise((resolve, reject) => {
          const s = document.createElement("script");
          s.src = PLOTLY;
          s.onload = () => resolve(window.Plotly);
          s.onerror = () => reject(new Error(`cannot load ${PLOTLY}`));
          document.head.appendChild(s);
        }),
    );
    return plotly;
  };

  // --- the notebook's own figures --------------------------------------------------------------

  async function drawPlot(el) {
    const fig = JSON.parse(el.nextElementSibling.textContent);
    const Plotly = await site.plotly();
    await Plotly.newPlot(el, {
      data: fig.data,
      layout: fig.layout,
      frames: fig.frames,
      config: { ...CONFIG, responsive: true },
    });
    el.dataset.drawn = "1";
  }

  function drawPlots() {
    const plots = [...document.querySelectorAll(".rnnviz-plot")];
    if (!plots.length) return;
    const seen = new IntersectionObserver(
      (entries) => {
        for (const e of entries)
          if (e.isIntersecting) {
            seen.unobserve(e.target);
            drawPlot(e.target);
          }
      },
      { rootMargin: "800px 0px" },
    );
    for (const el of plots) seen.observe(el);
  }

  // --- controls --------------------------------------------------------------------------------

  let uid = 0;
  const make = (tag, attrs = {}, parent = null, text = null) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text !== null) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  };

  // a native range input over `values` (the grid), labelled, with the value shown beside it
  // a control's onChange: store the value under `key`, then redraw
  const setter = (state, key, redraw) => (v) => {
    state[key] = v;
    redraw();
  };

  function slider(parent, label, values, value, show, onChange) {
    const id = `rnnviz-control-${++uid}`;
    const row = make("div", { class: "rnnviz-control" }, parent);
    make("label", { for: id }, row, label);
    const index = values.indexOf(value);
    const input = make("input", {
      type: "range",
      id,
      min: 0,
      max: values.length - 1,
      step: 1,
      value: index,
    });
    row.appendChild(input);
    const output = make("output", { for: id }, row);
    const sync = () => {
      const v = values[Number(input.value)];
      output.textContent = show(v);
      input.setAttribute("aria-valuetext", `${label} = ${show(v)}`);
      return v;
    };
    sync();
    input.addEventListener("input", () => onChange(sync()));
    return input;
  }

  // radio buttons, one per option: arrow keys move between them
  function choice(parent, label, options, value, onChange) {
    const id = `rnnviz-control-${++uid}`;
    const row = make("div", { class: "rnnviz-control rnnviz-choice", role: "radiogroup" }, parent);
    row.setAttribute("aria-labelledby", id);
    make("span", { id, class: "rnnviz-label" }, row, label);
    const box = make("div", { class: "rnnviz-options" }, row);
    for (const option of options) {
      const item = make("label", {}, box);
      const input = make("input", { type: "radio", name: id, value: option }, item);
      input.checked = option === value;
      item.append(` ${option}`);
      input.addEventListener("change", () => input.checked && onChange(option));
    }
    return row;
  }

  // a figure on a card, scaled down to fit (panel.css), with a text alternative
  function card(parent, figure) {
    const box = make("div", { class: "rnnviz-figure" }, parent);
    box.style.setProperty("--rnnviz-figure-width", `${figure.layout.width || 700}px`);
    box.style.setProperty("--rnnviz-figure-height", `${figure.layout.height || 450}px`);
    return make("div", { role: "img" }, box);
  }

  // a figure on its card, and its readouts beside it (below, when both do not fit)
  function figureRow(section, figure) {
    const row = make("div", { class: "rnnviz-row" }, section);
    const plotEl = card(row, figure);
    return [plotEl, make("div", { class: "rnnviz-readout-box", "aria-live": "polite" }, row)];
  }

  async function plot(el, fig, label) {
    el.setAttribute("aria-label", label);
    const Plotly = await site.plotly();
    return Plotly.react(el, fig.data, fig.layout, CONFIG);
  }

  const plain = (text) => {
    const div = document.createElement("div");
    div.innerHTML = text.replace(/<br>/g, " ");
    return div.textContent;
  };

  // The part of anywidget's model that chain.js uses, for a model that lives in the page.
  function localModel(state) {
    const handlers = {};
    return {
      get: (key) => state[key],
      set(key, value) {
        const changed = state[key] !== value;
        state[key] = value;
        if (changed) for (const f of handlers[`change:${key}`] || []) f();
      },
      on: (event, f) => {
        handlers[event] = [...(handlers[event] || []), f];
      },
      off: (event, f) => {
        handlers[event] = (handlers[event] || []).filter((g) => g !== f);
      },
      save_changes: () => {},
    };
  }

  async function mountChain(host, model) {
    try {
      const chain = await import(CHAIN);
      chain.default.render({ model, el: host });
    } catch (error) {
      host.textContent =
        "The animation needs the page served over http (browsers do not load JavaScript " +
        "modules from files): python -m http.server --directory build/site";
      console.warn(error);
    }
  }

  // --- the widgets -----------------------------------------------------------------------------

  async function explorer(section, spec, done) {
    const base = await site.load("explorer");
    const tables = {};
    const table = (a) => {
      tables[a] ??= site
        .load(`explorer-${a}`)
        .then((d) => site.explorerTable(base, d.values, d.powers));
      return tables[a];
    };
    const state = { ...spec.settings };
    const labels = spec.labels;
    const controls = make("div", { class: "rnnviz-controls" }, section);
    const update = () => redraw();
    slider(controls, labels.T, base.T, state.T, String, setter(state, "T", update));
    slider(
      controls,
      labels.weight_scale,
      base.sigma,
      state.weight_scale,
      (v) => site.formatF(v, 2),
      setter(state, "weight_scale", update),
    );
    const clipValues = base.clip.map(([, v]) => (v === 0 ? null : v));
    const clipLabels = new Map(base.clip.map(([l, v]) => [v === 0 ? null : v, l]));
    slider(
      controls,
      labels.clip_threshold,
      clipValues,
      state.clip_threshold,
      (v) => clipLabels.get(v),
      setter(state, "clip_threshold", update),
    );
    choice(
      controls,
      labels.activation,
      base.activations,
      state.activation,
      setter(state, "activation", update),
    );
    const f = spec.fixed;
    make(
      "p",
      { class: "rnnviz-fixed" },
      controls,
      `hidden size n_a = ${f.n_a}, seed ${f.seed}, ${f.dtype}: fixed here (the notebook's ` +
        "explorer changes them too). The sliders move over the precomputed settings: " +
        `T in ${base.T.length} steps from ${base.T[0]} to ${base.T.at(-1)}, σ_max(W_aa) in ` +
        `steps of 0.05 from ${site.formatF(base.sigma[0], 2)} to ${site.formatF(base.sigma.at(-1), 2)}.`,
    );
    const chainHost = make("div", { class: "rnnviz-chain-host" }, section);
    const figure = spec.figure;
    const [plotEl, readout] = figureRow(section, figure);
    const model = localModel({ chain: {}, speed: spec.speed, speeds: spec.speeds });
    let version = 0;
    async function redraw() {
      const mine = ++version;
      const t = await table(state.activation);
      if (mine !== version) return;
      const c = state.clip_threshold;
      const i = base.sigma.indexOf(state.weight_scale);
      const j = base.T.indexOf(state.T);
      const r = site.gradientFlow(t, state.activation, i, j, c);
      model.set("chain", site.chainData(r, c, base.viridis, base.chain_log_range));
      const title = site.explorerTitle({ ...state, ...f });
      site.drawGradientNorms(figure, r, c, title);
      const label = `Figure: ${title}. ${site.statusLines(r).join(". ")}`;
      readout.innerHTML = site.readoutTable(site.readouts(r, c));
      section.dataset.version = mine;
      await plot(plotEl, figure, plain(label));
      section.dataset.drawn = mine;
    }
    const first = redraw();
    await mountChain(chainHost, model);
    done();
    await first;
  }

  async function clipping(section, spec, done) {
    const base = await site.load("clipping");
    const db = { g: base.g, c: base.c, perG: site.f64(base.per_g), perGC: site.f64(base.per_gc) };
    const state = { ...spec.settings };
    const controls = make("div", { class: "rnnviz-controls" }, section);
    const two = (v) => site.formatF(v, 2);
    for (const [key, values] of [
      ["g1", db.g],
      ["g2", db.g],
      ["clip_threshold", db.c],
    ])
      slider(controls, spec.labels[key], values, state[key], two, setter(state, key, redraw));
    make(
      "p",
      { class: "rnnviz-fixed" },
      controls,
      "The sliders move over the precomputed settings: g₁ and g₂ in steps of 0.2, c in steps " +
        "of 0.2 (and 0.1).",
    );
    const figure = spec.figure;
    const [plotEl, readout] = figureRow(section, figure);
    let version = 0;
    async function redraw() {
      const mine = ++version;
      const i = (v) => db.g.indexOf(v);
      const r = site.clippingGeometry(
        db,
        i(state.g1),
        i(state.g2),
        db.c.indexOf(state.clip_threshold),
      );
      site.drawClippingGeometry(figure, r, spec.limit);
      readout.innerHTML = site.readoutTable(site.clippingReadouts(r));
      section.dataset.version = mine;
      await plot(plotEl, figure, `Figure: ${plain(figure.layout.title.text)}`);
      section.dataset.drawn = mine;
    }
    const first = redraw();
    done();
    await first;
  }

  async function heatmap(section, spec, done) {
    const base = await site.load("heatmap");
    const tables = {};
    const table = (a) => {
      tables[a] ??= site.load(`heatmap-${a}`).then((d) => site.heatmapTable(base, d.values));
      return tables[a];
    };
    const state = { ...spec.settings };
    const controls = make("div", { class: "rnnviz-controls" }, section);
    const labels = spec.labels;
    slider(
      controls,
      labels.weight_scale,
      base.sigma,
      state.weight_scale,
      (v) => site.formatF(v, 2),
      setter(state, "weight_scale", redraw),
    );
    slider(controls, labels.T, base.T, state.T, String, setter(state, "T", redraw));
    choice(
      controls,
      labels.activation,
      base.activations,
      state.activation,
      setter(state, "activation", redraw),
    );
    make(
      "p",
      { class: "rnnviz-fixed" },
      controls,
      `The sliders move over the precomputed settings: T in {${base.T.join(", ")}}, ` +
        `σ_max(W_aa) in {${base.sigma.map((v) => site.formatF(v, 1)).join(", ")}}.`,
    );
    const figure = spec.figure;
    const plotEl = card(section, figure);
    const [zmin, zmax] = [figure.data[0].zmin, figure.data[0].zmax];
    let version = 0;
    async function redraw() {
      const mine = ++version;
      const t = await table(state.activation);
      if (mine !== version) return;
      const C = site.connectivityMap(
        t,
        base.sigma.indexOf(state.weight_scale),
        base.T.indexOf(state.T),
      );
      site.drawConnectivity(figure, C, zmin, zmax);
      section.dataset.version = mine;
      const what = "||∂ŷ<t>/∂x<k>|| for output steps t and input steps k, log colour scale";
      await plot(plotEl, figure, `Figure: ${what}. ${plain(figure.layout.title.text)}`);
      section.dataset.drawn = mine;
    }
    await table(state.activation);
    const first = redraw();
    done();
    await first;
  }

  async function cells(section, spec, done) {
    const base = await site.load("cells");
    const table = site.cellsTable(base);
    const state = { ...spec.settings };
    const labels = spec.labels;
    const controls = make("div", { class: "rnnviz-controls" }, section);
    const half = (v) => site.formatF(v, 2);
    slider(controls, labels.T, base.T, state.T, String, setter(state, "T", redraw));
    for (const key of ["update_bias", "forget_bias"])
      slider(controls, labels[key], base.bias, state[key], half, (v) => {
        state[key] = v;
        redraw();
      });
    choice(
      controls,
      labels.show,
      Object.keys(spec.show),
      state.show,
      setter(state, "show", redraw),
    );
    make(
      "p",
      { class: "rnnviz-fixed" },
      controls,
      `The sliders move over the precomputed settings: T in {${base.T.join(", ")}}, ` +
        "each bias in steps of 0.5.",
    );
    const figure = spec.figure;
    const [plotEl, readout] = figureRow(section, figure);
    let version = 0;
    async function redraw() {
      const mine = ++version;
      const c = site.cellCurves(
        table,
        base.T.indexOf(state.T),
        state.update_bias,
        state.forget_bias,
      );
      site.drawCellGradients(figure, c, state.show, spec.show);
      readout.innerHTML = site.readoutTable(site.cellReadouts(c, spec.reach));
      section.dataset.version = mine;
      await plot(plotEl, figure, `Figure: ${plain(figure.layout.title.text)}`);
      section.dataset.drawn = mine;
    }
    const first = redraw();
    done();
    await first;
  }

  function quiz(section, spec, done) {
    const answers = {};
    const score = document.createElement("div");
    score.setAttribute("aria-live", "polite");
    const showScore = () => {
      const done = Object.values(answers);
      const right = done.filter(Boolean).length;
      score.innerHTML =
        `<p style='font-size:16px'>Score: ${right} of ${spec.questions.length}` +
        ` (${done.length} answered)</p>`;
    };
    for (const q of spec.questions) {
      const set = make("fieldset", { class: "rnnviz-quiz-question" }, section);
      const legend = make("legend", {}, set);
      legend.innerHTML = q.heading;
      const feedback = make("div", { class: "rnnviz-feedback", "aria-live": "polite" });
      const name = `rnnviz-quiz-${++uid}`;
      q.choices.forEach((c) => {
        const item = make("label", {}, set);
        const input = make("input", { type: "radio", name }, item);
        item.append(` ${c.label}`);
        input.addEventListener("change", () => {
          feedback.innerHTML = c.feedback;
          answers[q.name] = c.right;
          showScore();
        });
      });
      set.appendChild(feedback);
    }
    section.appendChild(score);
    showScore();
    done();
  }

  const WIDGETS = { explorer, clipping, heatmap, cells, quiz };

  // starts a widget; returns [a promise: it works (controls, readouts), one: fully drawn]
  function startWidget(section) {
    const spec = JSON.parse(section.querySelector("script").textContent);
    section.querySelector(".rnnviz-loading")?.remove();
    let works;
    const working = new Promise((resolve) => {
      works = () => {
        // a mark on the page's own clock, for the load benchmark (benchmarks/bench_site.py)
        if (!section.dataset.interactive) performance.mark(`rnnviz:${spec.kind}:interactive`);
        section.dataset.interactive = "1";
        resolve();
      };
    });
    const drawn = Promise.resolve(WIDGETS[spec.kind](section, spec, works)).then(
      () => {
        performance.mark(`rnnviz:${spec.kind}:ready`);
        section.dataset.ready = "1";
      },
      (error) => {
        make("p", { class: "rnnviz-error" }, section, `This widget could not start: ${error}`);
        works();
        throw error;
      },
    );
    return [working, drawn];
  }

  async function start() {
    const started = [...document.querySelectorAll(".rnnviz-site-widget")].map(startWidget);
    await Promise.all(started.map(([working]) => working));
    widgetsWork(); // now plotly.js may load
    drawPlots();
    await Promise.all(started.map(([, drawn]) => drawn));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(globalThis.rnnvizSite);
