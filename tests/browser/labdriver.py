"""Run JupyterLab on a copy of some notebooks and drive it from headless Chromium (Playwright).

Shared by the browser tests (tests/browser/test_notebooks_in_browser.py) and the browser
benchmark (benchmarks/bench_browser.py).
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDGET_NAMES = (
    "GradientFlowExplorer",
    "CellExplorer",
    "Quiz",
    "ClippingGeometry",
    "ConnectivityHeatmap",
    "FigureWidget",
    "ipywidgets",
    "interact",
    "widgets.",
)
# The course's own settings (`make lab` uses them: no news prompt), and for the tests: render
# every cell (with the default windowing, cells far below the viewport are not in the DOM).
PROJECT_SETTINGS = Path(__file__).resolve().parents[2] / "lab-settings" / "overrides.json"
OVERRIDES = json.loads(PROJECT_SETTINGS.read_text(encoding="utf-8")) | {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


def chromium_path():
    """The Chromium executable to use, or None."""
    for candidate in (
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def widgets_shown(path):
    """The names of WIDGET_NAMES that the code cells of notebook `path` use."""
    cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    code = "\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "code")
    return {name for name in WIDGET_NAMES if name in code}


LIVE_VIEWS = Path(__file__).with_name("live-views.ipynb")  # each live view at a site setting


def widget_notebooks():
    """Every notebooks/*.ipynb whose code uses a widget, and the demo notebook of this folder."""
    found = [path for path in sorted((ROOT / "notebooks").glob("*.ipynb")) if widgets_shown(path)]
    return found + [Path(__file__).with_name("explorer-demo.ipynb")]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab server: its URL, token and root folder."""

    def __init__(self, url, token, root, process):
        self.url, self.token, self.root, self.process = url, token, root, process

    def api(self, path, method="GET"):
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """Stop every session and kernel, so that the next notebook opened starts afresh."""
        for session in self.api("/api/sessions"):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")
        for kernel in self.api("/api/kernels"):
            self.api(f"/api/kernels/{kernel['id']}", method="DELETE")

    def notebook_url(self, name):
        # ?reset: a fresh workspace, or JupyterLab reopens every notebook opened before
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"


@contextlib.contextmanager
def jupyter_lab(notebooks, workdir):
    """Start `jupyter lab` on copies of `notebooks` in `workdir`; stop it and its kernels after."""
    workdir = Path(workdir)
    root, settings = workdir / "root", workdir / "app-settings"
    root.mkdir(parents=True, exist_ok=True)
    settings.mkdir(parents=True, exist_ok=True)
    for nb in notebooks:
        shutil.copy(nb, root / Path(nb).name)
    (settings / "overrides.json").write_text(json.dumps(OVERRIDES), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", f"--LabApp.app_settings_dir={settings}",
        f"--LabApp.user_settings_dir={workdir / 'user-settings'}",
        f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "PYTHONWARNINGS": "default"}
    lab = Lab(f"http://127.0.0.1:{port}", token, root, None)
    with _server(command, env, workdir / "jupyter-lab.log", "jupyter lab",
                 lambda: lab.api("/api/status")) as process:  # fmt: skip
        lab.process = process
        try:
            yield lab
        finally:
            with contextlib.suppress(Exception):
                lab.shutdown_kernels()


@contextlib.contextmanager
def _server(command, env, log_path, name, ready):
    """Run `command` as a server, its output to `log_path`; wait until `ready()` stops raising
    OSError (at most 90 s), yield the process, stop it after."""
    log = open(log_path, "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited: see {log_path}")
            try:
                ready()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start within 90 s") from None
                time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextlib.contextmanager
def voila(notebooks, workdir):
    """Start Voila on copies of `notebooks` in `workdir` (served as apps, no code shown), as the
    README's projector path runs it; yield its base URL. `/voila/render/<name>` shows one."""
    root = Path(workdir) / "voila-root"
    root.mkdir(parents=True, exist_ok=True)
    for nb in notebooks:
        shutil.copy(nb, root / Path(nb).name)
    port = _free_port()
    command = [
        sys.executable, "-m", "voila", str(root), "--no-browser", f"--port={port}",
        "--Voila.ip=127.0.0.1", "--ServerApp.port_retries=0",
    ]  # fmt: skip
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1"}
    url = f"http://127.0.0.1:{port}"

    def ready():
        with urllib.request.urlopen(f"{url}/voila/tree", timeout=5):
            pass

    with _server(command, env, Path(workdir) / "voila.log", "voila", ready):
        yield url


# --- in the page ---------------------------------------------------------------------------

KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""
ALL_RUN = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session.kernel;
  const code = w.content.widgets.filter((c) => c.model.type === 'code');
  const failed = code.some((c) => c.model.outputs.toJSON().some((o) => o.output_type === 'error'));
  return k.status === 'idle' && (failed || code.every((c) => c.model.executionCount !== null));
}"""
RUN_ALL = "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
# every live view has drawn its result, and each of its figures holds traces
VIEWS_DRAWN = """() => [...document.querySelectorAll('.rnnviz-view')].every((v) =>
  v.dataset.drawn && [...v.querySelectorAll('.rnnviz-live-plot')].every(
    (p) => p._fullData && p._fullData.length > 0))"""
# what each live view shows, and plotly.js's loading, for a failure's message
VIEWS_STATE = """() => ({
  plotly: globalThis.rnnvizPlotly && (({asked, loaded, loading, log}) => ({
    asked, loaded, loading, log}))(globalThis.rnnvizPlotly),
  views: [...document.querySelectorAll('.rnnviz-view')].map((v) => ({
    drawn: v.dataset.drawn, setting: v.dataset.setting, asked: v.dataset.asked,
    plots: [...v.querySelectorAll('.rnnviz-live-plot')].map((p) => [
      !!p._fullData, (p._fullData || []).length, p.offsetWidth, p.offsetHeight]),
    error: v.querySelector('.rnnviz-error')?.textContent || '',
    connected: v.isConnected, width: v.offsetWidth,
  })),
})"""
WIDGETS_RENDERED = """() => ![...document.querySelectorAll('.jp-OutputArea-output')].some(
  (o) => o.innerText.trim().startsWith('Loading widget'))"""
# A fingerprint of what an output shows: the plotly SVGs and the chain's SVG.
FINGERPRINT = """(el) => {
  let s = '';
  for (const n of el.querySelectorAll('.js-plotly-plot .main-svg, svg.rnnviz-chain-svg'))
    s += n.innerHTML;
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return s.length + ':' + h;
}"""


def open_notebook(page, lab, name):
    """Open notebook `name` and wait until its kernel is idle."""
    page.goto(lab.notebook_url(name))
    wait_for_kernel(page)


def wait_for_kernel(page, timeout=90_000):
    """Wait until the kernel of the notebook shown in `page` exists and is idle."""
    page.wait_for_function(KERNEL_IDLE, timeout=timeout, polling=200)


def start_run_all(page):
    """Start running every cell; `wait_run_all` waits for the end."""
    page.evaluate(RUN_ALL)


def wait_run_all(page, timeout=150_000):
    """Wait until all cells have run (or one failed), the kernel is idle, the widgets drawn."""
    page.wait_for_function(ALL_RUN, timeout=timeout, polling=200)
    page.wait_for_function(WIDGETS_RENDERED, timeout=30_000, polling=200)
    try:
        page.wait_for_function(VIEWS_DRAWN, timeout=60_000, polling=200)
    except PlaywrightTimeout:
        state = page.evaluate(VIEWS_STATE)
        raise AssertionError(f"live views not drawn after 60 s: {state}") from None


def run_all(page, timeout=150_000):
    """Run every cell and wait for the end (see `wait_run_all`)."""
    start_run_all(page)
    wait_run_all(page, timeout)


def widget_outputs(page):
    """The output areas that hold a widget view (ipywidgets, or a live view of the course)."""
    return page.locator(".jp-OutputArea-output:has(.jupyter-widgets, .rnnviz-view)")


WATCH_KERNEL = """() => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  window.rnnvizKernelProblems = [];
  k.iopubMessage.connect((_, msg) => {
    const t = msg.header.msg_type, c = msg.content;
    if (t === 'error')
      window.rnnvizKernelProblems.push(c.ename + ': ' + c.evalue + '\\n' + c.traceback.join('\\n'));
    if (t === 'stream' && c.name === 'stderr') window.rnnvizKernelProblems.push(c.text);
  });
}"""


def watch_kernel(page):
    """Record every error and stderr text the kernel sends, from cells and widget callbacks."""
    page.evaluate(WATCH_KERNEL)


# When the page connects before the kernel has imported ipywidgets, the widget manager's
# request for saved widget state fails in the kernel with these two lines on stderr; the
# widgets are created afterwards and work. Anything else on stderr counts as a problem.
BENIGN = re.compile(
    r"^(No such comm target registered: jupyter\.widget\.control"
    r"|No such comm: [0-9a-f-]{32,36})\s*$"
)


def kernel_problems(page):
    found = page.evaluate("() => window.rnnvizKernelProblems || []")
    return [text for text in found if not BENIGN.match(text)]


def problems(page):
    """Error outputs, warnings printed to stderr, and widgets that failed to render."""
    found = []
    for selector, what in (
        ("[data-mime-type='application/vnd.jupyter.error']", "error output"),
        ("[data-mime-type='application/vnd.jupyter.stderr']", "stderr output"),
        (".jupyter-widgets-error-widget", "widget failed to render"),
    ):
        for i in range(page.locator(selector).count()):
            found.append(f"{what}: {page.locator(selector).nth(i).inner_text()[:800]}")
    outputs = page.locator(".jp-OutputArea-output")
    for i in range(outputs.count()):
        text = outputs.nth(i).inner_text()
        if "Error displaying widget" in text or text.strip().startswith("Loading widget"):
            found.append(f"widget view {i}: {text[:200]}")
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    return found + [f"kernel: {ansi.sub('', p)[-3000:]}" for p in kernel_problems(page)]


def fingerprint(locator):
    return locator.evaluate(FINGERPRINT)


def wait_for_change(locator, before, timeout=10.0):
    """Wait until the fingerprint of `locator` differs from `before`; return the new one."""
    deadline = time.monotonic() + timeout
    while True:
        now = fingerprint(locator)
        if now != before or time.monotonic() > deadline:
            return now
        time.sleep(0.02)


FRAMES = """(svg) => {
  window.rnnvizFrames = [];
  if (window.rnnvizFrameObserver) window.rnnvizFrameObserver.disconnect();
  window.rnnvizFrameObserver = new MutationObserver((records) => {
    const changed = records.some((r) => r.oldValue !== r.target.getAttribute('data-frame'));
    if (changed) window.rnnvizFrames.push(performance.now());
  });
  window.rnnvizFrameObserver.observe(
    svg, {attributes: true, attributeOldValue: true, attributeFilter: ['data-frame']});
}"""


def record_frames(svg):
    """From now on, note the time of every frame of the gradient chain `svg` (see frame_times)."""
    svg.evaluate(FRAMES)


def frame_times(page):
    """The times (ms) of the frames noted since `record_frames`, one per frame."""
    return page.evaluate("() => window.rnnvizFrames")


def press_slider(page, handle, key="ArrowRight"):
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press(key)


def screenshot(page, locator, path):
    """Save a picture of `locator` whole: the viewport grows to fit it first."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    size = page.viewport_size
    if box and box["height"] + 150 > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": int(box["height"]) + 200})
        locator.scroll_into_view_if_needed()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(path))
    page.set_viewport_size(size)


@contextlib.contextmanager
def opened_notebook(browser, lab, notebook, **context_options):
    """A page (in a new browser context) with `notebook` open in a fresh kernel, all cells run
    and every live view drawn.

    `page.shot(name, locator=None)` saves a picture as test-artifacts/<notebook>-<name>.png.
    """
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.js_errors = []
    page.notebook = notebook
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.shot = lambda name, locator=None: screenshot(
        page,
        locator or page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)"),
        ARTIFACTS / f"{notebook.stem}-{name}.png",
    )
    try:
        open_notebook(page, lab, notebook.name)
        page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
        watch_kernel(page)
        run_all(page)
        yield page
    finally:
        context.close()
        lab.shutdown_kernels()


# --- themes, zoom and what the page measures (measure.js) -----------------------------------

LIGHT, DARK = "JupyterLab Light", "JupyterLab Dark"
# 150 % browser zoom on a 1280 x 720 screen: the page is laid out in 1280/1.5 x 720/1.5 CSS
# pixels, each drawn 1.5 device pixels wide.
ZOOM_150 = {"viewport": {"width": 853, "height": 480}, "device_scale_factor": 1.5}
MEASURE = Path(__file__).with_name("measure.js")
SET_THEME = """async (theme) => {
  if (document.body.dataset.jpThemeName !== theme)
    await window.jupyterapp.commands.execute('apputils:change-theme', {theme});
}"""
THEME_READY = """(theme) => {
  const dark = theme.includes('Dark');
  const bg = getComputedStyle(document.body).getPropertyValue('--jp-layout-color0').trim();
  return document.body.dataset.jpThemeName === theme
    && document.body.dataset.jpThemeLight === String(!dark)
    && (dark ? bg === '#111' : bg === 'white');
}"""


def set_theme(page, theme):
    """Switch JupyterLab to `theme` (LIGHT or DARK) and wait until its colours apply."""
    page.evaluate(SET_THEME, theme)
    page.wait_for_function(THEME_READY, arg=theme, timeout=30_000, polling=100)
    page.wait_for_timeout(300)  # the widgets' styles follow the variables in the next frame


def load_measure(page):
    """Define window.rnnvizMeasure (measure.js) in the page, once."""
    if not page.evaluate("() => !!window.rnnvizMeasure"):
        page.evaluate(MEASURE.read_text(encoding="utf-8"))


def text_contrast(page):
    """Every text of the widget outputs: its contrast with the colours painted behind it.

    A list of {text, ratio, required (4.5, or 3 for large text), fg, bg, size, bold, where}.
    """
    load_measure(page)
    return widget_outputs(page).evaluate_all("(roots) => window.rnnvizMeasure.contrast(roots)")


def layout_problems(output):
    """Controls and views of one widget output that overlap, or stick out of it, or cut text."""
    load_measure(output.page)
    return output.evaluate("(el) => window.rnnvizMeasure.boxes(el)")


def focus_ring(page):
    """The focused element, whether :focus-visible, its outline and the outline's contrast."""
    load_measure(page)
    return page.evaluate("() => window.rnnvizMeasure.focusRing()")
