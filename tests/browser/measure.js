// Measurements made inside the page (loaded by labdriver.py): the contrast of every text against
// what is painted behind it, the boxes of controls and views, and the focus ring.
// Evaluated as a script; it defines window.rnnvizMeasure.

(() => {
  const SHAPES = new Set(["rect", "path", "circle", "ellipse", "polygon"]);
  const SKIP = new Set(["STYLE", "SCRIPT", "OPTION", "TITLE", "DESC", "NOSCRIPT", "TEMPLATE"]);

  // "rgb(1, 2, 3)", "rgba(1, 2, 3, 0.5)", "rgb(1 2 3 / 0.5)" -> [r, g, b, alpha]; others -> null
  function parse(color) {
    const m = /^rgba?\(([^)]*)\)$/.exec((color || "").trim());
    if (!m) return null;
    const p = m[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map((s) => (s.endsWith("%") ? parseFloat(s) / 100 : Number(s)));
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, bottom) {
    // source-over compositing of a colour with alpha over an opaque colour
    const a = top[3];
    return [0, 1, 2].map((i) => a * top[i] + (1 - a) * bottom[i]).concat(1);
  }
  function luminance(c) {
    const lin = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  }
  function ratio(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }
  const hex = (c) =>
    `#${c
      .slice(0, 3)
      .map((v) => Math.round(v).toString(16).padStart(2, "0"))
      .join("")}`;

  // the opacity an element is drawn with: its own times every ancestor's
  function opacity(el) {
    let o = 1;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      o *= Number(getComputedStyle(e).opacity);
    }
    return o;
  }
  // folded away: inside a closed <details>, but not its summary (Chromium keeps such boxes laid
  // out, unpainted)
  const folded = (el) => {
    const fold = el.closest("details:not([open])");
    return !!fold && !fold.querySelector(":scope > summary")?.contains(el);
  };

  function visible(el) {
    const s = getComputedStyle(el);
    if (s.visibility !== "visible" || s.display === "none" || folded(el)) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }

  // Everything that paints a colour under the roots: the roots' ancestors (CSS backgrounds, up to
  // the page) and, inside the roots, CSS backgrounds and filled SVG shapes, in document order.
  function painters(roots) {
    const found = [];
    const seen = new Set();
    const add = (el) => {
      if (seen.has(el)) return;
      seen.add(el);
      const s = getComputedStyle(el);
      if (s.display === "none") return;
      let color = parse(s.backgroundColor);
      if (el instanceof SVGElement && SHAPES.has(el.localName)) {
        if (s.visibility !== "visible") return;
        color = parse(s.fill);
        if (color) color[3] *= Number(s.fillOpacity);
      }
      if (!color || color[3] <= 0.001) return;
      color[3] *= opacity(el);
      if (color[3] <= 0.001) return;
      found.push({ el, color, rect: el.getBoundingClientRect() });
    };
    const ancestors = [];
    for (const root of roots)
      for (let e = root.parentElement; e; e = e.parentElement) ancestors.push(e);
    ancestors.reverse().forEach(add);
    for (const root of roots) {
      add(root);
      for (const el of root.querySelectorAll("*")) add(el);
    }
    return found;
  }

  // The opaque colour behind point (x, y) of element `el`: what precedes it in document order (and
  // `el` itself, unless `self` is false) and covers the point, composited from the top down until
  // opaque (white under everything).
  function background(el, x, y, paint, self = true) {
    // An ancestor lies under all of its content, even where it is scrolled out of view.
    const covers = (p) =>
      p.el.contains(el) ||
      (x >= p.rect.left && x <= p.rect.right && y >= p.rect.top && y <= p.rect.bottom);
    const under = paint.filter(
      (p) =>
        (self || p.el !== el) &&
        covers(p) &&
        (p.el.contains(el) || el.compareDocumentPosition(p.el) & Node.DOCUMENT_POSITION_PRECEDING),
    );
    const stack = [];
    for (let i = under.length - 1; i >= 0; i--) {
      stack.push(under[i].color);
      if (under[i].color[3] >= 0.999) break;
    }
    return stack.reduceRight((below, c) => over(c, below), [255, 255, 255, 1]);
  }

  // the size text is drawn at, in CSS pixels (SVG text scaled by the viewBox and CSS transforms)
  function drawnSize(el) {
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (!(el instanceof SVGElement)) return size;
    const svg = el.ownerSVGElement;
    const outer = svg?.ownerSVGElement ? svg.ownerSVGElement : svg;
    const ctm = el.getCTM();
    const user = ctm ? Math.hypot(ctm.a, ctm.b) : 1;
    const css = outer?.clientWidth ? outer.getBoundingClientRect().width / outer.clientWidth : 1;
    return size * user * css;
  }

  function measure(el, text, rect, paint) {
    const s = getComputedStyle(el);
    const svg = el instanceof SVGElement;
    let fg = parse(svg ? s.fill : s.color);
    if (!fg) return { text, unparsed: svg ? s.fill : s.color };
    if (svg) fg[3] *= Number(s.fillOpacity);
    fg[3] *= opacity(el);
    if (fg[3] <= 0.01) return null; // drawn invisible: nothing to read
    const x = rect.left + rect.width / 2;
    const y = rect.top + rect.height / 2;
    const bg = background(el, x, y, paint);
    fg = over(fg, bg);
    const size = drawnSize(el);
    const bold = Number(s.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    return {
      text: text.trim().replace(/\s+/g, " ").slice(0, 80),
      ratio: Math.round(ratio(fg, bg) * 100) / 100,
      required: large ? 3 : 4.5,
      fg: hex(fg),
      bg: hex(bg),
      size: Math.round(size * 10) / 10,
      bold,
      where: el.closest("[class]")?.className?.baseVal ?? el.closest("[class]")?.className ?? "",
    };
  }

  // The contrast of every visible text under `roots`: SVG <text>, HTML text, form controls.
  function contrast(roots) {
    const paint = painters(roots);
    const out = [];
    for (const root of roots) {
      for (const t of root.querySelectorAll("text")) {
        if (!t.textContent.trim() || !visible(t)) continue;
        out.push(measure(t, t.textContent, t.getBoundingClientRect(), paint));
      }
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const parents = new Set();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!n.data.trim() || !el || parents.has(el) || el.closest("svg")) continue;
        if ([...SKIP].some((tag) => el.closest(tag.toLowerCase()))) continue;
        if (el.closest(":disabled") || !visible(el)) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const rect = [...range.getClientRects()].find((r) => r.width > 0 && r.height > 0);
        if (!rect) continue;
        parents.add(el);
        out.push(measure(el, n.data, rect, paint));
      }
      for (const el of root.querySelectorAll("select, input[type=text], input[type=number]")) {
        if (!visible(el) || el.disabled) continue;
        const text = el.localName === "select" ? el.selectedOptions[0]?.text || "" : el.value;
        if (text.trim()) out.push(measure(el, text, el.getBoundingClientRect(), paint));
      }
    }
    return out.filter(Boolean);
  }

  // The boxes of the controls and views of each panel, for overlap and cut-off checks.
  const CONTROLS = [
    ".rnnviz-control",
    ".widget-slider",
    ".widget-toggle-buttons",
    ".widget-dropdown",
    ".widget-radio",
    ".widget-checkbox",
    ".widget-play",
    ".widget-button",
    "button",
    "select",
  ].join(", ");
  const VIEWS = ".js-plotly-plot, svg.rnnviz-chain-svg, .rnnviz-chain-status, .rnnviz-readout";
  const TEXTS =
    ".widget-label, .widget-readout, button, .widget-html-content h3, .rnnviz-control label," +
    " .rnnviz-control output, .rnnviz-label, .rnnviz-view h3";

  function boxes(output) {
    const limit = output.getBoundingClientRect();
    const list = (selector, kind) =>
      [...output.querySelectorAll(selector)].filter(visible).map((el) => {
        const r = el.getBoundingClientRect();
        const label =
          el.getAttribute("aria-label") ||
          el.querySelector(".widget-label")?.textContent ||
          el.textContent.trim().slice(0, 40) ||
          el.className.baseVal ||
          el.className;
        return {
          el,
          kind,
          label: `${kind} ${label}`,
          left: r.left,
          right: r.right,
          top: r.top,
          bottom: r.bottom,
        };
      });
    const items = [...list(CONTROLS, "control"), ...list(VIEWS, "view")];
    const overlaps = [];
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i];
        const b = items[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) overlaps.push(`${a.label} overlaps ${b.label} (${w | 0}x${h | 0} px)`);
      }
    const span = (r) => `${r.left | 0}..${r.right | 0} px`;
    const cut = items
      .filter((a) => a.left < limit.left - 1 || a.right > limit.right + 1)
      .map((a) => `${a.label}: ${span(a)}, beyond its output's ${span(limit)}`);
    for (const el of output.querySelectorAll(TEXTS)) {
      if (
        visible(el) &&
        el.scrollWidth > el.clientWidth + 1 &&
        getComputedStyle(el).overflowX !== "visible"
      )
        cut.push(
          `text cut off: "${el.textContent.trim()}" (${el.scrollWidth} px in ${el.clientWidth})`,
        );
    }
    return { overlaps, cut, count: items.length };
  }

  // The focus ring of the focused element: its outline, and the outline's contrast with what is
  // behind the element.
  function focusRing() {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    const width = parseFloat(s.outlineWidth) || 0;
    const color = parse(s.outlineColor);
    const r = el.getBoundingClientRect();
    const paint = painters([el.parentElement]);
    const bg = background(el, r.left - 1, r.top + r.height / 2, paint, false);
    return {
      tag: el.localName,
      text: el.textContent.trim(),
      focusVisible: el.matches(":focus-visible"),
      style: s.outlineStyle,
      width,
      ratio: color ? Math.round(ratio(over(color, bg), bg) * 100) / 100 : 0,
    };
  }

  window.rnnvizMeasure = { contrast, boxes, focusRing };
})();
