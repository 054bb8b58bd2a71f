// The unrolled network as a chain of steps, coloured and sized by ||dL/da<k>||, animated in the
// browser with requestAnimationFrame: the gradient travels back one step per frame.
const SVG = "http://www.w3.org/2000/svg";
function mk(tag, attrs, parent, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

// The chain in `el`, with Play, Pause, Step and a speed menu; update(data) draws new data (what
// explorer.js's chainData returns), stop() ends it.
export function chainView(el, speeds, initialSpeed) {
  el.classList.add("rnnviz-chain");
  const bar = document.createElement("div");
  bar.className = "rnnviz-chain-bar";
  const button = (label, title, cls) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = title;
    b.className = `rnnviz-button ${cls}`;
    bar.appendChild(b);
    return b;
  };
  const playBtn = button("▶ Play", "the gradient travels from step T to step 1", "rnnviz-play");
  const pauseBtn = button("❚❚ Pause", "stop the animation here", "rnnviz-pause");
  const stepBtn = button("◀ Step back", "move the gradient back one time step", "rnnviz-step");
  const allBtn = button("Show all", "show every step at once", "rnnviz-all");
  const speedLabel = document.createElement("label");
  speedLabel.textContent = "steps per second ";
  const speed = document.createElement("select");
  for (const v of speeds) {
    const o = document.createElement("option");
    o.value = v;
    o.textContent = v;
    speed.appendChild(o);
  }
  speed.value = String(initialSpeed);
  speedLabel.appendChild(speed);
  bar.appendChild(speedLabel);
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "animation of the gradient");
  const svg = mk("svg", { class: "rnnviz-chain-svg", role: "img" });
  const status = document.createElement("div");
  status.className = "rnnviz-chain-status";
  status.setAttribute("aria-live", "polite");
  status.setAttribute("aria-atomic", "true");
  el.append(bar, svg, status);

  const uid = `rnnviz-${Math.random().toString(36).slice(2)}`; // ids unique to this view
  const H = 322,
    TOP = 56,
    CELL = 24,
    BASE = 250,
    BAR = 140,
    LEFT = 20,
    RIGHT = 190;
  let data = null,
    cols = [],
    hi = null,
    hiLabel = null,
    label = null;
  let k = 0,
    frame = 0,
    version = 0,
    playing = false,
    raf = 0,
    due = 0,
    width = 0;
  const interval = () => 1000 / Number(speed.value);
  const xOf = (i, dx) => LEFT + (i + 0.5) * dx;

  function attrs() {
    svg.dataset.step = k;
    svg.dataset.frame = frame;
    svg.dataset.version = version;
    svg.dataset.playing = playing ? "1" : "0";
    svg.dataset.t = data ? data.T : 0;
  }

  // the text alternative of the whole chain: what it shows, and the result it states
  function describe() {
    const text =
      `The unrolled network, steps 1 to ${data.T}: bar k shows ||dL/da<k>|| ÷ ||dL/da<T>||, ` +
      `log scale. ${data.summary}`;
    svg.setAttribute("aria-label", text);
    label.textContent = text;
  }

  const columnTitle = (i) =>
    `step ${i + 1}: ${data.quantity} = ${data.text[i]} = ${data.relative[i]} × ||dL/da<T>||`;

  function draw() {
    width = Math.max(el.clientWidth || 0, 480);
    if (!data?.T) {
      svg.replaceChildren();
      svg.removeAttribute("aria-label");
      cols = [];
      hi = null;
      return;
    } // no data yet
    const T = data.T,
      dx = (width - LEFT - RIGHT) / T,
      bw = Math.max(1, Math.min(0.78 * dx, 44));
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${width} ${H}`);
    svg.setAttribute("height", H);
    label = mk("title", {}, svg);
    describe();
    const defs = mk("defs", {}, svg);
    const head = mk(
      "marker",
      {
        id: `${uid}-head`,
        viewBox: "0 0 10 10",
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: "auto-start-reverse",
      },
      defs,
    );
    mk("path", { d: "M0,0 L10,5 L0,10 z", class: "rnnviz-head" }, head);
    const backHead = head.cloneNode(true);
    backHead.id = `${uid}-back`;
    backHead.firstChild.setAttribute("class", "rnnviz-marker");
    defs.appendChild(backHead);
    const grad = mk("linearGradient", { id: `${uid}-scale`, x1: 0, y1: 1, x2: 0, y2: 0 }, defs);
    const n = data.stops.length - 1;
    data.stops.forEach((c, i) => {
      mk("stop", { offset: i / n, "stop-color": c }, grad);
    });

    const x0 = xOf(0, dx),
      x1 = xOf(T - 1, dx);
    mk(
      "line",
      {
        x1: x0,
        y1: 26,
        x2: x1,
        y2: 26,
        class: "rnnviz-line",
        "stroke-width": 2,
        "marker-end": `url(#${uid}-head)`,
      },
      svg,
    );
    mk(
      "text",
      { x: x0, y: 18, class: "rnnviz-caption" },
      svg,
      "forward pass: a<1> → a<2> → … → a<T>, left to right",
    );
    mk(
      "line",
      {
        x1: x1,
        y1: H - 22,
        x2: x0,
        y2: H - 22,
        class: "rnnviz-backward",
        "stroke-width": 3,
        "marker-end": `url(#${uid}-back)`,
      },
      svg,
    );
    mk(
      "text",
      { x: x0, y: H - 4, class: "rnnviz-caption" },
      svg,
      "← backward: the gradient dL/da<k> travels from step T to step 1",
    );

    // step labels at least a label's width apart (3 digits need more room than 1)
    const gap = 10 * String(T).length + 18;
    const every = [1, 2, 5, 10, 20, 25, 50, 100].find((n) => n * dx >= gap) || 100;
    cols = [];
    for (let i = 0; i < T; i++) {
      const x = xOf(i, dx),
        g = mk("g", { class: "rnnviz-col", "data-k": i + 1 }, svg);
      const s = data.state[i];
      mk("title", {}, g, columnTitle(i));
      mk(
        "rect",
        {
          x: x - bw / 2,
          y: TOP,
          width: bw,
          height: CELL,
          rx: 3,
          class: "rnnviz-cell",
          "stroke-width": 1,
        },
        g,
      );
      if (bw >= 40) mk("text", { x: x, y: TOP + 19, "text-anchor": "middle" }, g, `a<${i + 1}>`);
      if (i < T - 1 && dx - bw >= 10)
        mk(
          "line",
          {
            x1: x + bw / 2 + 1,
            y1: TOP + CELL / 2,
            x2: x + dx - bw / 2 - 2,
            y2: TOP + CELL / 2,
            class: "rnnviz-line",
            "stroke-width": 1.5,
            "marker-end": `url(#${uid}-head)`,
          },
          svg,
        );
      const h = s === "zero" ? 2 : Math.max(2, data.height[i] * BAR);
      // the colour of a finite bar carries its value; a zero bar is empty, inf and NaN are grey
      const kind = { ok: "", zero: " rnnviz-bar-zero" }[s] ?? " rnnviz-bar-bad";
      const bar = mk(
        "rect",
        {
          x: x - bw / 2,
          y: BASE - h,
          width: bw,
          height: h,
          "stroke-width": bw > 4 ? 1 : 0.4,
          class: `rnnviz-bar${kind}`,
        },
        g,
      );
      if (s === "ok") bar.setAttribute("fill", data.color[i]);
      if (s !== "ok" && bw >= 26)
        mk("text", { x: x, y: BASE - h - 6, "text-anchor": "middle" }, g, s === "zero" ? "0" : s);
      const last = i === T - 1 && (T % every) * dx >= gap;
      if ((i + 1) % every === 0 || (i === 0 && every >= 5) || last)
        mk("text", { x: x, y: BASE + 20, "text-anchor": "middle" }, svg, String(i + 1));
      cols.push(g);
    }
    if (data.overflow) {
      const band = data.state.findLastIndex((s) => s === "inf" || s === "NaN");
      const what = data.overflow;
      const note = mk(
        "text",
        { x: LEFT + 4, y: TOP + CELL + 19, class: "rnnviz-overflow" },
        svg,
        `${what}: the full-height grey bars`,
      );
      note.dataset.k = band + 1;
      // shorter where the chain is narrow, so that it stops short of the colour scale's labels
      for (const shorter of [`${what}: grey bars`, what])
        if (note.getComputedTextLength() > width - LEFT - RIGHT) note.textContent = shorter;
    }
    const lx = width - RIGHT + 40;
    mk(
      "rect",
      {
        x: lx,
        y: BASE - BAR,
        width: 18,
        height: BAR,
        fill: `url(#${uid}-scale)`,
        class: "rnnviz-line",
      },
      svg,
    );
    for (const [pos, label] of data.ticks)
      mk("text", { x: lx + 24, y: BASE - pos * BAR + 5 }, svg, label);
    mk("text", { x: lx - 30, y: BASE - BAR - 56 }, svg, "||dL/da<k>||");
    mk("text", { x: lx - 30, y: BASE - BAR - 37 }, svg, "÷ ||dL/da<T>||");
    mk("text", { x: lx - 30, y: BASE - BAR - 18 }, svg, "log scale");
    hi = mk(
      "rect",
      {
        x: 0,
        y: TOP - 6,
        width: Math.max(dx, 6),
        height: BASE - TOP + 12,
        fill: "none",
        class: "rnnviz-highlight",
        "stroke-width": 3,
        rx: 4,
        visibility: "hidden",
      },
      svg,
    );
    hiLabel = mk("path", { d: "", class: "rnnviz-marker", visibility: "hidden" }, svg);
    reveal(true);
  }

  function reveal(all) {
    if (!hi) return;
    const T = data.T;
    if (all) {
      cols.forEach((g, i) => {
        g.setAttribute("opacity", k === 0 || i + 1 >= k ? 1 : 0.15);
      });
    } else if (k >= 1) cols[k - 1].setAttribute("opacity", 1);
    if (k === 0) {
      hi.setAttribute("visibility", "hidden");
      hiLabel.setAttribute("visibility", "hidden");
      status.textContent = data.summary;
    } else {
      const dx = (width - LEFT - RIGHT) / T,
        x = xOf(k - 1, dx);
      hi.setAttribute("x", x - Math.max(dx, 6) / 2);
      hi.setAttribute("visibility", "visible");
      hiLabel.setAttribute("d", `M${x},${BASE + 26} l-9,14 h18 z`);
      hiLabel.setAttribute("visibility", "visible");
      const q = data.quantity.replace("<k>", `<${k}>`);
      const value = `${data.text[k - 1]} = ${data.relative[k - 1]} × ||dL/da<T>||`;
      status.textContent = `step k = ${k} of ${T}:  ${q} = ${value}`;
    }
    attrs();
  }

  function begin() {
    k = data.T;
    frame++;
    reveal(true);
  }
  function advance() {
    if (k > 1) {
      k--;
      frame++;
      reveal(false);
    }
    if (k <= 1) stop();
  }
  function stop() {
    playing = false;
    cancelAnimationFrame(raf);
    attrs();
  }
  function tick(now) {
    if (!playing) return;
    if (now >= due - 4) {
      advance();
      due += interval();
      if (now - due > interval()) due = now + interval();
    }
    if (playing) raf = requestAnimationFrame(tick);
  }
  function play() {
    cancelAnimationFrame(raf);
    if (!cols.length) return;
    if (k <= 1) begin();
    playing = true;
    due = performance.now() + interval();
    attrs();
    raf = requestAnimationFrame(tick);
  }
  playBtn.onclick = play;
  pauseBtn.onclick = stop;
  stepBtn.onclick = () => {
    stop();
    if (cols.length && k <= 1) begin();
    else if (cols.length) advance();
  };
  allBtn.onclick = () => {
    stop();
    k = 0;
    reveal(true);
  };
  // Arrows, Home and End choose a speed; JupyterLab must not take them for moving between cells.
  speed.addEventListener("keydown", (event) => {
    if (/^(Arrow|Home$|End$|Page)/.test(event.key)) event.stopPropagation();
  });
  speed.onchange = () => {
    if (playing) due = performance.now() + interval();
  };

  const allOk = (d) => d.state.every((x) => x === "ok");
  function redrawBars(old) {
    // Same T, only finite bars before and after: change the bars in place (cheap).
    if (
      !old ||
      old.T !== data.T ||
      !cols.length ||
      !allOk(old) ||
      !allOk(data) ||
      old.overflow !== data.overflow
    )
      return draw();
    cols.forEach((g, i) => {
      const h = Math.max(2, data.height[i] * BAR),
        bar = g.querySelector(".rnnviz-bar");
      bar.setAttribute("y", BASE - h);
      bar.setAttribute("height", h);
      bar.setAttribute("fill", data.color[i]);
      g.querySelector("title").textContent = columnTitle(i);
    });
    describe();
    reveal(true);
  }
  const update = (next) => {
    const old = data;
    data = next;
    version++;
    const wasPlaying = playing;
    if (wasPlaying) {
      k = data.T;
      frame++;
    } else k = 0;
    redrawBars(old);
    if (wasPlaying) {
      due = performance.now() + interval();
      attrs();
    }
  };
  const resize = new ResizeObserver(() => {
    if (Math.abs(Math.max(el.clientWidth || 0, 480) - width) > 1) draw();
  });
  resize.observe(el);
  draw();
  const stopView = () => {
    cancelAnimationFrame(raf);
    resize.disconnect();
  };
  return { update, stop: stopView };
}
