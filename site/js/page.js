// A notebook page: draws its plotly figures and runs its widgets without a kernel.
//
// Every live view is drawn by its own module, the one JupyterLab and Voila run
// (rnnviz/widgets/static/<view>.js), given a model that lives in the page: its numbers come from
// what the engine precomputed (data/*.js, loaded with <script> tags on first use, read by
// views.js) instead of from a kernel.
globalThis.rnnvizSite = globalThis.rnnvizSite || {};
((site) => {
  const STATIC = new URL("./", document.currentScript.src);
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

  // A figure fits the page's width; on a narrower screen (a phone) it keeps its own width, and
  // its box scrolls sideways: squeezed, its panels and labels would run into each other.
  async function drawPlot(el) {
    const fig = JSON.parse(el.nextElementSibling.textContent);
    const Plotly = await site.plotly();
    const width = fig.layout.width ?? 700;
    const fits = el.parentElement.clientWidth >= Math.min(width, 700);
    await Plotly.newPlot(el, {
      data: fig.data,
      layout: fits ? fig.layout : { ...fig.layout, width },
      frames: fig.frames,
      config: { ...CONFIG, responsive: fits },
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

  // --- the live views: the course's own modules, with a model that lives in the page ----------

  let uid = 0;
  const make = (tag, attrs = {}, parent = null, text = null) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text !== null) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  };

  // What a view's numbers are at a setting, from the precomputed data (views.js): one function
  // per kind of view, made once its data have loaded.
  const SOURCES = {
    async explorer() {
      const base = await site.load("explorer");
      const tables = {};
      return async (s) => {
        tables[s.activation] ??= site
          .load(`explorer-${s.activation}`)
          .then((d) => site.explorerTable(base, d.values, d.powers));
        return site.gradientFlow(await tables[s.activation], s);
      };
    },
    async clipping() {
      const db = site.clippingTable(await site.load("clipping"));
      return async (s) => site.clippingGeometry(db, s);
    },
    async heatmap() {
      const base = await site.load("heatmap");
      const tables = {};
      return async (s) => {
        tables[s.activation] ??= site
          .load(`heatmap-${s.activation}`)
          .then((d) => site.heatmapTable(base, d.values));
        return site.connectivityMap(await tables[s.activation], s);
      };
    },
    async cells() {
      const table = site.cellsTable(await site.load("cells"));
      return async (s) => site.cellCurves(table, s);
    },
  };

  // The part of anywidget's model a view uses, standing in for the kernel: setting `setting`
  // computes the numbers of the new setting from the page's data and sets `result`; plotly()
  // brings the page's plotly.js.
  function pageModel(state, compute) {
    const handlers = {};
    const fire = (key) => {
      for (const f of handlers[`change:${key}`] || []) f();
    };
    let version = 0;
    const model = {
      get: (key) => state[key],
      set(key, value) {
        state[key] = value;
        fire(key);
        if (key !== "setting" || !compute) return;
        const mine = ++version;
        compute(value).then(
          (result) => {
            if (mine !== version) return; // a newer setting is on its way
            state.error = "";
            model.set("result", result);
          },
          (error) => {
            if (mine === version)
              model.set("error", `This setting cannot be shown: ${error.message}`);
          },
        );
      },
      on: (event, f) => {
        handlers[event] = [...(handlers[event] || []), f];
      },
      off: (event, f) => {
        handlers[event] = (handlers[event] || []).filter((g) => g !== f);
      },
      save_changes: () => {},
      send: () => {},
      plotly: () => site.plotly(),
    };
    return model;
  }

  // resolves when the view has drawn its first result (the module marks data-drawn)
  const firstDrawn = (el) =>
    new Promise((resolve) => {
      if (el.dataset.drawn) return resolve();
      const seen = new MutationObserver(() => {
        if (!el.dataset.drawn) return;
        seen.disconnect();
        resolve();
      });
      seen.observe(el, { attributes: true, attributeFilter: ["data-drawn"] });
    });

  async function live(section, spec, done) {
    const compute = spec.result ? null : await SOURCES[spec.kind]();
    const result = spec.result ? site.decoded(spec.result) : await compute(spec.setting);
    const model = pageModel({ spec: spec.spec, setting: spec.setting, result, error: "" }, compute);
    let view;
    try {
      view = await import(new URL(spec.module, STATIC).href);
    } catch (error) {
      section.textContent =
        "This interactive figure needs the page served over http (browsers do not load " +
        "JavaScript modules from files): python -m http.server --directory build/site";
      throw error;
    }
    view.default.render({ model, el: section });
    done();
    await firstDrawn(section);
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

  const WIDGETS = { explorer: live, clipping: live, heatmap: live, cells: live, quiz };

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
