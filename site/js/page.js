// A notebook page: draws its plotly figures and runs its widgets without a kernel.
//
// Every live view is drawn by its own module, the one JupyterLab and Voila run
// (rnnviz/widgets/static/<view>.js), given a model that lives in the page: its numbers come from
// what the engine precomputed (small data/*.js files, loaded with <script> tags as a setting
// needs them, read by views.js) instead of from a kernel.
//
// Each view's setting is also in the page's address, to link to (links.js).
//
// On a slow connection the page works before it is complete: the views' first numbers load
// first (a few tens of kB), then plotly.js, and MathJax only once every view is drawn.
globalThis.rnnvizSite = globalThis.rnnvizSite || {};
((site) => {
  const STATIC = new URL("./", document.currentScript.src);
  const PLOTLY = new URL("plotly.min.js", document.currentScript.src).href;
  const MATHJAX = new URL("../mathjax/tex-chtml.js", document.currentScript.src).href;
  const DATA = new URL("../data/", document.currentScript.src).href;
  // no "Share chart..." button: it would send the figure off the site
  const CONFIG = { displaylogo: false, responsive: false, showSendToCloud: false };

  const script = (src, attrs = {}) =>
    new Promise((resolve, reject) => {
      const s = document.createElement("script");
      for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
      s.src = src;
      s.onload = () => resolve(s);
      s.onerror = () => reject(new Error(`cannot load ${src}`));
      document.head.appendChild(s);
    });

  // --- data files: each calls rnnvizSite.receive(name, payload) -------------------------------

  const waiting = {};
  site.receive = (name, payload) => {
    for (const [resolve] of waiting[name] || []) resolve(payload);
    delete waiting[name];
  };
  // a data file's payload; the file is fetched once for all who ask while it loads
  site.load = (name) =>
    new Promise((resolve, reject) => {
      if (!waiting[name]) {
        waiting[name] = [];
        script(`${DATA}${name}.js`).then(
          (s) => s.remove(),
          (error) => {
            for (const [, fail] of waiting[name] || []) fail(error);
            delete waiting[name];
          },
        );
      }
      waiting[name].push([resolve, reject]);
    });

  // the decoded base file of each kind of view, and the most recently used chunks (a slider
  // moved back and forth fetches nothing again)
  const bases = {};
  const chunks = new Map();
  const KEEP = 64; // chunks, of about 30 to 45 kB each
  function chunk(kind, name) {
    let decoding = chunks.get(name);
    chunks.delete(name);
    decoding ??= site.load(name).then(site.views[kind].chunk);
    decoding.catch(() => chunks.get(name) === decoding && chunks.delete(name)); // asked again
    chunks.set(name, decoding);
    while (chunks.size > KEEP) chunks.delete(chunks.keys().next().value);
    return decoding;
  }

  // What a view's numbers are at a setting, from the precomputed data (views.js)
  async function source(kind) {
    const numbers = site.views[kind];
    bases[kind] ??= site.load(kind).then(numbers.base);
    const base = await bases[kind];
    return async (setting) => {
      const parts = await Promise.all(numbers.chunks(base, setting).map((n) => chunk(kind, n)));
      return numbers.result(base, parts, setting);
    };
  }

  // plotly.js (its cartesian bundle, 1.5 MB) loads after the widgets' numbers, so that their
  // controls, readouts and chain work while it starts; every figure waits for it
  let plotly = null;
  let widgetsWork;
  const gate = new Promise((resolve) => {
    widgetsWork = resolve;
  });
  site.plotly = () => {
    plotly ??= gate.then(() => script(PLOTLY)).then(() => window.Plotly);
    return plotly;
  };

  // MathJax typesets the prose once the views are drawn: on a slow connection its 1.2 MB and
  // fonts would otherwise come before the views' numbers and plotly.js
  let mathjax = null;
  site.mathjax = () => {
    mathjax ??= script(MATHJAX, { id: "MathJax-script" });
    return mathjax;
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
    // where the page's address asks the view to start (links.js), else where the notebook did
    const opened = spec.link ? site.links.opening(spec.link, spec) : null;
    const setting = opened ? opened.setting : spec.setting;
    const compute = spec.result ? null : await source(spec.kind);
    const result = spec.result ? site.decoded(spec.result) : await compute(setting);
    const model = pageModel({ spec: spec.spec, setting, result, error: "" }, compute);
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
    if (opened) site.links.attach(spec.link, section, spec, model, opened);
    done();
    await firstDrawn(section);
    if (opened) site.links.drawn();
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
    spec.link = site.links.name(section, spec); // "explorer-1": its name in the page's address
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
    site.links.named(); // the first view the address names comes into view
    await Promise.all(started.map(([working]) => working));
    widgetsWork(); // now plotly.js may load
    const settled = await Promise.allSettled(started.map(([, drawn]) => drawn));
    drawPlots(); // the notebook's own figures, once the views' first figures are drawn
    site.mathjax();
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(globalThis.rnnvizSite);
