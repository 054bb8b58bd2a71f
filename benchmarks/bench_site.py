"""How fast the website opens: the explorer's page against a plain page, served from localhost.

Builds the site if it is out of date, serves build/site from 127.0.0.1 (http.server in a
thread) and opens, N times each, in a fresh headless Chromium context (nothing cached):

- the plain page: the contents page (text and MathJax), until its load event;
- the explorer's page (notebook 02): until the explorer works (controls, readouts and the chain
  answer: its numbers loaded), until its figure is drawn (plotly.js loaded), and until every
  widget on the page is drawn.

Each time is read on the page's own clock, from the start of the navigation (the load event's
timing, and the marks the page sets when a widget works and when it is drawn).

Then, on the open explorer page, the time from a slider key press to the redrawn figure.
Requests outside the site are blocked (there should be none). Prints medians and the ratio of
the explorer's time-to-interactive to the plain page's load. Target: interactive within 2 s.

Last, a slow connection: Chromium's network throttled (DevTools protocol, 1.6 Mbps down,
750 kbps up, 150 ms latency), the explorer page opened afresh: until the explorer works (target
5 s), and then the time from choosing another activation (its numbers are another file) to the
redrawn figure (target 3 s), against the plain page under the same throttle; and what the
explorer page had fetched when the explorer worked (bytes over the network, and unpacked).

The server answers as a web host does (GitHub Pages, Netlify, nginx with `gzip on`): text files
(.html, .css, .js, .json, .svg) gzipped for a browser that accepts it, everything else as it is.

    .venv/bin/python benchmarks/bench_site.py [N] [--site FOLDER]

`--site` times another build of the site (say, an older one kept aside) instead of build/site.
"""

import argparse
import functools
import gzip
import http.server
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "site"))
from coursesite import build  # noqa: E402
from labdriver import CHROMIUM_ARGS, chromium_path  # noqa: E402

SITE = ROOT / "build" / "site"
EXPLORER_PAGE = "02-vanishing-gradients.html"
EXPLORER = '.rnnviz-site-widget[data-kind="explorer"]'
PRESSES = 10


COMPRESSED = {".html", ".css", ".js", ".json", ".svg"}


@functools.lru_cache(maxsize=1024)
def gzipped(path, mtime):
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=int(mtime))


class Host(http.server.SimpleHTTPRequestHandler):
    """A web host's answers: text files gzipped when the browser accepts it."""

    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except ConnectionError:  # the page was closed while a file was on its way
            pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()) or self.headers.get(
            "If-Modified-Since"
        ):
            return super().do_GET()  # as it is, or "304 Not Modified"
        stat = path.stat()
        body = gzipped(str(path), stat.st_mtime)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.end_headers()
        self.wfile.write(body)


def serve(site=SITE):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Host, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def fresh_page(browser, url, outside):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()

    def route(r):
        if r.request.url.startswith(url):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return context, page


# times on the page's own clock (performance.now(), from the start of the navigation): waiting
# from Python would add the time until the page's busy main thread answers a poll
LOADED = "() => performance.getEntriesByType('navigation')[0].loadEventEnd / 1000"
MARK = "(name) => performance.getEntriesByName(name)[0].startTime / 1000"


def plain(browser, url, outside):
    context, page = fresh_page(browser, url, outside)
    page.goto(url + "index.html", wait_until="load")
    page.wait_for_function("() => performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
    took = page.evaluate(LOADED)
    context.close()
    return took


def explorer(browser, url, outside, presses=0):
    context, page = fresh_page(browser, url, outside)
    page.goto(url + EXPLORER_PAGE, wait_until="commit")
    page.wait_for_function(
        f"() => document.querySelector('{EXPLORER}') && [...document.querySelectorAll("
        "'.rnnviz-site-widget')].every((s) => s.dataset.ready)",
        timeout=60_000,
        polling=10,
    )
    works = page.evaluate(MARK, "rnnviz:explorer:interactive")
    drawn = page.evaluate(MARK, "rnnviz:explorer:ready")
    every = max(  # the last widget's marks
        page.evaluate("() => performance.getEntriesByType('mark').map((m) => m.startTime / 1000)")
    )
    latencies = []
    slider = page.locator(f'{EXPLORER} input[type="range"]').first
    for i in range(presses):
        slider.focus()
        before = page.evaluate(f"() => document.querySelector('{EXPLORER}').dataset.drawn")
        t0 = time.perf_counter()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_function(
            f"(v) => {{ const s = document.querySelector('{EXPLORER}');"
            " return s.dataset.drawn !== v && s.dataset.asked === s.dataset.setting; }",
            arg=before,
            polling=5,
        )
        latencies.append(time.perf_counter() - t0)
    context.close()
    return works, drawn, every, latencies


SLOW = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
        "uploadThroughput": 0.75e6 / 8}  # fmt: skip
SETTLED = "(v) => !v.dataset.asked || v.dataset.asked === v.dataset.setting"
# [files, bytes over the network, bytes unpacked] fetched (the page itself too) by a mark
FETCHED = """(name) => {
  const by = performance.getEntriesByName(name)[0].startTime;
  const done = [...performance.getEntriesByType('navigation'),
                ...performance.getEntriesByType('resource')].filter((e) => e.responseEnd <= by);
  return [done.length, done.reduce((a, e) => a + e.transferSize, 0),
          done.reduce((a, e) => a + e.decodedBodySize, 0)];
}"""


def slow_connection(browser, url, outside):
    """(plain page's load, explorer works, explorer drawn, what was fetched when it worked,
    activation switch) on SLOW, in seconds."""
    times = []
    for name in ("index.html", EXPLORER_PAGE):
        context, page = fresh_page(browser, url, outside)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW)
        page.goto(url + name, wait_until="commit", timeout=120_000)
        if name == "index.html":
            page.wait_for_function(
                "() => performance.getEntriesByType('navigation')[0]?.loadEventEnd > 0",
                timeout=120_000,
            )
            times.append(page.evaluate(LOADED))
        else:
            page.wait_for_function(
                f"() => document.querySelector('{EXPLORER}')?.dataset.ready", timeout=120_000
            )
            times += [page.evaluate(MARK, "rnnviz:explorer:interactive"),
                      page.evaluate(MARK, "rnnviz:explorer:ready")]  # fmt: skip
            times.append(page.evaluate(FETCHED, "rnnviz:explorer:interactive"))
            view = page.locator(EXPLORER)
            sigmoid = view.locator('[data-name="activation"] input').nth(1)
            t0 = time.perf_counter()
            sigmoid.click()
            page.wait_for_function(
                "(v) => v.dataset.setting.includes('sigmoid') && "
                "v.dataset.asked === v.dataset.setting",
                arg=view.element_handle(),
                timeout=120_000,
                polling=10,
            )
            times.append(time.perf_counter() - t0)
        context.close()
    return times


def main():
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=7)
    parser.add_argument("--site", type=Path, default=None)
    args = parser.parse_args()
    runs, site = args.runs, args.site or SITE
    started = time.perf_counter()
    if args.site is None and not build.up_to_date(SITE):
        build.build(SITE)
        print(f"built the site in {time.perf_counter() - started:.0f} s")
    size = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    print(f"site: {size / 2**20:.1f} MiB in {site}, served gzipped as a web host serves it")
    server, url = serve(site)
    outside = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        plain(browser, url, outside)  # the server and the browser warm up once
        plains, works, drawn, every = [], [], [], []
        latencies = []
        for i in range(runs):
            plains.append(plain(browser, url, outside))
            w, d, e, lat = explorer(browser, url, outside, PRESSES if i == 0 else 0)
            works.append(w)
            drawn.append(d)
            every.append(e)
            latencies += lat
        slow = slow_connection(browser, url, outside)
        browser.close()
    server.shutdown()
    median = statistics.median
    print(f"median of {runs} fresh loads each (seconds):")
    print(f"  plain page (contents), load event:           {median(plains):.2f}")
    print(f"  explorer page, explorer works:               {median(works):.2f}")
    print(f"  explorer page, explorer's figure drawn:      {median(drawn):.2f}")
    print(f"  explorer page, every widget drawn:           {median(every):.2f}")
    print(f"  ratio, explorer works / plain page:          {median(works) / median(plains):.1f}")
    print(f"  ratio, explorer's figure / plain page:       {median(drawn) / median(plains):.1f}")
    print(f"slider key press to redrawn figure, median of {len(latencies)}: "
          f"{1000 * median(latencies):.0f} ms")  # fmt: skip
    print("a slow connection (1.6 Mbps down, 150 ms latency), one fresh load (seconds):")
    print(f"  plain page (contents), load event:           {slow[0]:.2f}")
    print(f"  explorer page, explorer works:               {slow[1]:.2f}  (target 5)")
    print(f"  explorer page, explorer's figure drawn:      {slow[2]:.2f}")
    print(f"  another activation, its figure redrawn:      {slow[4]:.2f}  (target 3)")
    print(f"  ratio, explorer works / plain page:          {slow[1] / slow[0]:.1f}")
    files, network, unpacked = slow[3]
    print(f"  fetched when the explorer worked: {files} files, {network / 1e3:.0f} kB over the "
          f"network ({unpacked / 1e3:.0f} kB unpacked)")  # fmt: skip
    print(f"requests outside the site: {len(outside)}")
    ok = median(works) <= 2.0 and median(drawn) <= 2.0 and not outside
    print("target (explorer working and drawn within 2 s, nothing from outside):",
          "met" if ok else "NOT met")  # fmt: skip


if __name__ == "__main__":
    main()
