// Links that carry a setting. The page's address names each live view moved from where it
// started, with its setting, after the "#":
//
//   02-vanishing-gradients.html#explorer-1:T=100,weight_scale=1.1,clip_threshold=off,activation=tanh
//
// a kind of view and its number among the page's views of that kind (from 1), then each
// control as name=value, the value as the control lists it ("off" for none); views apart by
// "&". The address follows the views as they move (history.replaceState: no reload, no new
// entry in the history). A page opened with such an address starts each view it names at that
// setting and scrolls to the first; what is not one of the view's controls or values is left
// out, with a note beside the view. "hide=seed,n_a" hides those controls of the view, for an
// exercise that focuses on the others. Each view's "Copy link" copies the page's address with
// that view's setting. page.js hands each view here: its spec, section and page model.
globalThis.rnnvizSite = globalThis.rnnvizSite || {};
((site) => {
  const views = new Map(); // id -> {id, section, spec, model, hide, note}
  const counts = {};
  const token = (v) => (v === null ? "off" : String(v));
  const decode = (text) => {
    try {
      return decodeURIComponent(text.replace(/\+/g, " "));
    } catch {
      return text; // a stray "%": left as it is, and then not a value of any control
    }
  };
  const short = (text) => (text.length > 40 ? `${text.slice(0, 39)}…` : text);

  // [[id, [[name, value], ...]], ...]: the views the address names, in its order, and the
  // address's text for each
  function named(hash) {
    const out = new Map();
    for (const part of hash.replace(/^#/, "").split("&")) {
      const found = /^([a-z]+-\d+)(?::(.*))?$/.exec(part);
      if (!found) continue;
      const params = [];
      for (const item of (found[2] ?? "").split(",")) {
        if (!item) continue;
        const at = item.indexOf("=");
        // a bare word after hide=... is one more control to hide: hide=seed,n_a
        if (at < 0) params.push([params.at(-1)?.[0] === "hide" ? "hide" : "", decode(item)]);
        else params.push([decode(item.slice(0, at)), decode(item.slice(at + 1))]);
      }
      out.set(found[1], { params, text: part });
    }
    return out;
  }
  let asked = named(location.hash);

  // what the address asks of a view: {setting, hide, ignored}; the view's own start where the
  // address says nothing or what it says is not one of the view's controls and values
  function read(spec, params) {
    const controls = spec.spec.controls;
    const fixed = spec.spec.fixed ?? {};
    const setting = { ...spec.setting };
    const hide = [];
    const ignored = [];
    for (const [name, text] of params) {
      const key = name === "hide" ? text : name; // the control it names
      const said = short(name ? `${name}=${text}` : text);
      const control = controls.find((c) => c.name === key);
      if (!control) {
        const fixedHere = Object.hasOwn(fixed, key);
        ignored.push(
          `${said} (${fixedHere ? `fixed at ${token(fixed[key])} here` : "no such control here"})`,
        );
      } else if (name === "hide") {
        if (!hide.includes(text)) hide.push(text);
      } else {
        const i = control.values.findIndex(
          (v, j) =>
            token(v) === text ||
            control.labels?.[j] === text ||
            (typeof v === "number" && /\d/.test(text) && Number(text) === v),
        );
        if (i < 0) ignored.push(`${said} (not one of its values here)`);
        else setting[name] = control.values[i];
      }
    }
    return { setting, hide, ignored };
  }

  // the view's part of the address: its setting if it moved from where the page started it
  // (or `whole`), and what it hides
  function part(view, whole) {
    const s = view.model.get("setting");
    const controls = view.spec.spec.controls;
    const moved = controls.some((c) => s[c.name] !== view.spec.setting[c.name]);
    const items =
      whole || moved
        ? controls.map((c) => `${c.name}=${encodeURIComponent(token(s[c.name]))}`)
        : [];
    if (view.hide.length) items.push(`hide=${view.hide.join(",")}`);
    return items.length ? `${view.id}:${items.join(",")}` : "";
  }
  const address = (hash) => location.href.replace(/#.*$/, "") + (hash ? `#${hash}` : "");

  // the address follows the views, once they have stopped moving for a tenth of a second
  let writing = 0;
  function write() {
    clearTimeout(writing);
    writing = setTimeout(() => {
      const order = (a, b) => (a.section.compareDocumentPosition(b.section) & 4 ? -1 : 1);
      const parts = [...views.values()].sort(order).map((v) => part(v, false));
      // what the address asked of a view still loading stays until the view is there
      for (const [id, { text }] of asked) if (!views.has(id)) parts.push(text);
      const url = address(parts.filter(Boolean).join("&"));
      if (url !== location.href) history.replaceState(history.state, "", url);
    }, 100);
  }

  // the first view the address names comes into view, until the reader scrolls
  let reader = false;
  for (const event of ["wheel", "touchmove", "keydown", "pointerdown"])
    addEventListener(event, () => (reader = true), { passive: true });
  function bring() {
    const first = [...asked.keys()].find((id) => document.getElementById(id));
    if (first && !reader) document.getElementById(first).scrollIntoView({ block: "start" });
  }

  const make = (tag, attrs, parent, text = null) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text !== null) el.textContent = text;
    parent?.appendChild(el);
    return el;
  };

  // the controls the address hides, and a note of what it asked that the view cannot show
  function show(view, { hide, ignored }) {
    view.hide = hide;
    for (const row of view.section.querySelectorAll(".rnnviz-control[data-name]"))
      row.hidden = hide.includes(row.dataset.name);
    view.note?.remove();
    view.note = null;
    if (!ignored.length) return;
    view.note = make("p", { class: "rnnviz-link-note", role: "note" }, null);
    view.note.textContent =
      `Left out of the link: ${ignored.join("; ")}. ` +
      "Those controls start where this view starts.";
    view.section.prepend(view.note);
  }

  // "Copy link": the page's address with this view's setting, on the clipboard when the
  // browser lets the page write there, else in a selected field to copy
  function copyLink(view) {
    const bar = make("div", { class: "rnnviz-link" }, view.section);
    const button = make(
      "button",
      { type: "button", class: "rnnviz-button rnnviz-copy-link" },
      bar,
      "Copy link",
    );
    button.title = "a link to this page that opens this view at its setting";
    const label = make("label", { class: "rnnviz-link-field" }, bar, "Link ");
    const field = make("input", { type: "text", readonly: "" }, label);
    label.hidden = true;
    const status = make("span", { class: "rnnviz-link-status", "aria-live": "polite" }, bar);
    button.addEventListener("click", async () => {
      const url = address(part(view, true));
      field.value = url;
      try {
        await navigator.clipboard.writeText(url); // (no clipboard: a TypeError, caught)
        label.hidden = true;
        status.textContent = "Link copied.";
      } catch {
        label.hidden = false;
        field.focus();
        field.select();
        status.textContent = "Copy the selected link (Ctrl+C, or ⌘C on a Mac).";
      }
    });
  }

  site.links = {
    // the view's name on the page ("explorer-1"), for a view with controls; else null
    name(section, spec) {
      if (!site.views[spec.kind] || spec.result || !spec.spec?.controls?.length) return null;
      counts[spec.kind] = (counts[spec.kind] ?? 0) + 1;
      const id = `${spec.kind}-${counts[spec.kind]}`;
      if (!document.getElementById(id)) section.id = id;
      return id;
    },
    // every view has its name: the first the address names comes into view
    named: bring,
    // the setting the view starts at, and what else the address asks of it
    opening: (id, spec) => read(spec, asked.get(id)?.params ?? []),
    // the view drawn: its "Copy link", the controls it hides, its note; its moves rewrite the
    // address
    attach(id, section, spec, model, opened) {
      const view = { id, section, spec, model, hide: [], note: null };
      views.set(id, view);
      show(view, opened);
      copyLink(view);
      model.on("change:setting", write);
      bring();
    },
    drawn: bring, // (the view's height is now its own)
  };

  // an address edited by hand: the views it names move there
  addEventListener("hashchange", () => {
    asked = named(location.hash);
    for (const [id, { params }] of asked) {
      const view = views.get(id);
      if (!view) continue;
      const opened = read(view.spec, params);
      show(view, opened);
      if (JSON.stringify(opened.setting) !== JSON.stringify(view.model.get("setting"))) {
        view.section.dataset.asked = JSON.stringify(opened.setting);
        view.model.set("setting", opened.setting);
      }
    }
    reader = false;
    bring();
  });
})(globalThis.rnnvizSite);
