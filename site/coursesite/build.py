"""Build the course website: every notebook as a page, the widgets live without a kernel.

    python site/build.py [--out build/site] [--repository github.com/OWNER/REPO] [--jobs N]
                         [--notebooks notebooks] [--cell-timeout SECONDS] [--force]

Steps, each cached under build/cache by a hash of what it depends on (so a second run only
redoes what changed):

1. the widgets' data: the engine on each widget's grid (coursesite.data);
2. every notebook run in a fresh kernel (nbclient), its widgets described (coursesite.notebooks);
3. the pages: nbconvert's HTML exporter with the `lab` template extended by site/templates;
4. the files every page shares: plotly.js (its cartesian bundle, npm), MathJax (npm package
   `mathjax`, in node_modules), the widgets' JavaScript and CSS (rnnviz/widgets/static, copied),
   the site's own (site/js, site/css).

Nothing is fetched from the network; the site works offline.

The new site is written beside the old one (build/site.new-*) and takes its place only when it
is complete; a notebook that raises or a cell that runs too long stops the build with a short
message naming the notebook and the cell, and leaves the old site as it was.
"""

import argparse
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from urllib.parse import quote

import jinja2
import nbformat
import plotly
from nbconvert.filters import markdown2html

import rnnviz as rv

from . import data, notebooks, pages, widgets

SITE = Path(__file__).resolve().parents[1]  # site/
ROOT = SITE.parent
NOTEBOOKS = ROOT / "notebooks"
RNNVIZ = Path(rv.__file__).resolve().parent
STATIC = RNNVIZ / "widgets" / "static"  # the gradient chain's front end, shared with JupyterLab
MATHJAX = ROOT / "node_modules" / "mathjax" / "es5"
MATHJAX_FILES = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "input/tex/extensions", "ui/lazy.js")
# plotly.js's cartesian bundle (scatter, bar, heatmap, histogram: every trace type the course
# draws), from npm, 1.5 MB instead of the full 4.8 MB: a page's figures appear sooner. Its
# version is plotly.py's own (tests/test_site.py checks it).
PLOTLY_JS = ROOT / "node_modules" / "plotly.js-cartesian-dist-min" / "plotly-cartesian.min.js"
LAB_CSS = ("index.css", "theme-light.css")  # nbconvert's lab template styles, in one file


class BuildError(Exception):
    """The site could not be built or put in place; the old site is as it was."""


def digest(*paths, extra=""):
    """A hash of the files (or every file below the folders) and of `extra`."""
    h = hashlib.sha256(extra.encode())
    for path in paths:
        files = sorted(p for p in Path(path).rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if "__pycache__" not in f.parts:
                h.update(str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:20]


def engine_key():
    import numpy

    return f"numpy {numpy.__version__}, plotly {plotly.__version__}"


def cached(cache, name, key, make, *, write, read):
    """`make()` once per `key`: later runs read what it wrote under cache/name-key."""
    path = cache / f"{name}-{key}"
    if not path.exists():
        started = time.perf_counter()
        value = make()
        tmp = path.with_name(path.name + ".tmp")
        write(tmp, value)
        tmp.rename(path)
        print(f"site: {name} computed in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        for old in cache.glob(f"{name}-*"):
            if old != path:
                shutil.rmtree(old) if old.is_dir() else old.unlink()
    return read(path)


def _write_json(path, value):
    path.write_text(json.dumps(value), encoding="utf-8")


def _read_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _run_notebook(path, log, timeout):
    try:
        nb, described = notebooks.run(path, log, timeout)
    except notebooks.NotebookError:
        raise
    except Exception as error:  # reading it, starting its kernel: still name the notebook
        message = f"notebook {path.name}: {type(error).__name__}: {notebooks.plain(error)}"
        raise notebooks.NotebookError(message) from None
    return nbformat.writes(nb), described


def executed_notebooks(cache, jobs, notebook_dir=NOTEBOOKS, timeout=notebooks.CELL_TIMEOUT):
    """{stem: (executed notebook, widget descriptions)}, running only what changed.

    Every notebook to run runs, and the ones that succeed are cached; then a `BuildError` lists
    the ones that failed, each with its cell.
    """
    code = digest(RNNVIZ, SITE / "coursesite" / "notebooks.py", extra=engine_key())
    keys = {p: digest(p, extra=code) for p in sorted(notebook_dir.glob("*.ipynb"))}
    todo = [p for p, k in keys.items() if not (cache / f"nb-{p.stem}-{k}.json").exists()]
    if todo:
        started, failed = time.perf_counter(), []
        with ProcessPoolExecutor(max(1, min(jobs, len(todo)))) as pool:
            running = {
                pool.submit(_run_notebook, p, cache / f"kernel-{p.stem}.log", timeout): p
                for p in todo
            }
            for done in as_completed(running):
                path = running[done]
                try:
                    text, described = done.result()
                except notebooks.NotebookError as error:
                    failed.append(str(error))
                    continue
                target = cache / f"nb-{path.stem}-{keys[path]}.json"
                _write_json(target.with_suffix(".tmp"), {"nb": text, "widgets": described})
                target.with_suffix(".tmp").rename(target)
                for old in cache.glob(f"nb-{glob.escape(path.stem)}-*.json"):
                    if old != target:
                        old.unlink()
        if failed:
            raise BuildError("\n".join(sorted(failed)))
        took = time.perf_counter() - started
        print(f"site: {len(todo)} notebook(s) run in {took:.0f} s", file=sys.stderr)
    out = {}
    for path, key in keys.items():
        stored = _read_json(cache / f"nb-{path.stem}-{key}.json")
        widgets_ = {int(n): d for n, d in stored["widgets"].items()}
        out[path.stem] = (nbformat.reads(stored["nb"], as_version=4), widgets_)
    return out


def widget_data(cache, jobs):
    key = digest(RNNVIZ, SITE / "coursesite" / "data.py", extra=engine_key())
    return cached(
        cache, "data", key, lambda: data.all_data(jobs), write=_write_json, read=_read_json
    )


def binder_url(repository, stem):
    """mybinder.org for a GitHub repository ("github.com/OWNER/REPO" or "OWNER/REPO")."""
    if not repository:
        return None
    slug = repository.removeprefix("https://").removeprefix("github.com/").strip("/")
    labpath = quote(f"notebooks/{stem}.ipynb", safe="")
    return f"https://mybinder.org/v2/gh/{quote(slug)}/HEAD?labpath={labpath}"


def href(name):
    """A file of the site as a link: its name URL-encoded ("a#b.html" -> "a%23b.html")."""
    return quote(name)


def copy_assets(out):
    static = out / "static"
    static.mkdir(parents=True, exist_ok=True)
    for f in STATIC.iterdir():  # chain.js, chain.css, panel.css: one source for both
        if f.suffix in (".js", ".css"):
            shutil.copy2(f, static / f.name)
    for f in (*(SITE / "js").glob("*.js"), *(SITE / "css").glob("*.css")):
        shutil.copy2(f, static / f.name)
    if not PLOTLY_JS.exists():
        raise SystemExit(f"{PLOTLY_JS} is missing: run `npm ci` (plotly.js comes from npm)")
    shutil.copy2(PLOTLY_JS, static / "plotly.min.js")
    paths = [Path(p) / "static" for p in pages.exporter().template_paths]
    lab = next(p for p in paths if p.parent.name == "lab" and (p / "index.css").exists())
    css = "\n".join((lab / name).read_text(encoding="utf-8") for name in LAB_CSS)
    (static / "notebook.css").write_text(css, encoding="utf-8")
    if not MATHJAX.is_dir():
        raise SystemExit(f"{MATHJAX} is missing: run `npm ci` (MathJax comes from npm)")
    for name in MATHJAX_FILES:
        source, target = MATHJAX / name, out / "mathjax" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)


COURSE_ZIP = "rnnviz-course.zip"


def course_files():
    """The course's own files, as git tracks them (or, outside a checkout, every file but the
    build and the local environments): what a student needs for `make lab`."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
        files = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "build", "node_modules", "test-artifacts", "__pycache__"}
        files = [
            p for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
        ]  # fmt: skip
    return sorted(f for f in files if f.is_file())


def write_course_zip(out):
    """The whole course in one zip with fixed dates (the same files, the same bytes)."""
    with zipfile.ZipFile(out / COURSE_ZIP, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in course_files():
            info = zipfile.ZipInfo(f"rnnviz/{f.relative_to(ROOT)}", (2020, 1, 1, 0, 0, 0))
            info.external_attr = (f.stat().st_mode & 0o777) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, f.read_bytes())


def neighbour(stems, titles, j):
    """The link to page j, or None past either end."""
    if 0 <= j < len(stems):
        return {"href": href(f"{stems[j]}.html"), "title": titles[stems[j]]}
    return None


def preload(specs):
    """The data files a page's widgets start with, to fetch while the page loads."""
    names = []
    for spec in specs:
        if spec["live"] and spec["kind"] in widgets.KINDS and "result" not in spec:
            names += data.files_for(spec["kind"], spec["setting"])  # (a fixed view brings its own)
    return list(dict.fromkeys(names))


def modules(specs):
    """The JavaScript modules a page's live views import (each view's, and what it imports),
    to fetch while the page loads instead of one import after another."""
    todo = [spec["module"] for spec in specs if spec["live"] and "module" in spec]
    found = []
    while todo:
        name = todo.pop(0)
        if name not in found:
            found.append(name)
            text = (STATIC / name).read_text(encoding="utf-8")
            todo += re.findall(r'\bfrom "\./([\w-]+\.js)"', text)
    return found


def contents_page(entries, out):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(SITE / "templates"), autoescape=True, trim_blocks=True
    )
    text = env.get_template("contents.html.j2").render(entries=entries, course=COURSE_ZIP)
    (out / "index.html").write_text(text, encoding="utf-8")


def stamp(repository, notebook_dir=NOTEBOOKS):
    """What the site is built from, as hashes: equal stamps, equal sites."""
    return {
        "engine": digest(RNNVIZ, extra=engine_key()),
        "notebooks": digest(notebook_dir),
        "site": digest(SITE / "coursesite", SITE / "templates", SITE / "js", SITE / "css"),
        "npm": digest(ROOT / "package-lock.json"),  # MathJax and plotly.js
        "course": digest(*course_files()),
        "repository": repository or "",
    }


def up_to_date(out, repository=None, notebook_dir=NOTEBOOKS):
    path = Path(out) / "build-stamp.json"
    return path.exists() and _read_json(path) == stamp(repository, notebook_dir)


def sibling(out, kind):
    """A new name beside `out` (same folder, so same file system: a rename is atomic)."""
    return out.with_name(f"{out.name}.{kind}-{os.getpid()}-{time.time_ns()}")


def publish(staging, out):
    """Put the complete site `staging` in the place of `out`, whole or not at all.

    The old site moves aside (one rename), the new one takes its place (one rename), and only
    then is the old one removed. If either rename fails, the old site is where it was and a
    `BuildError` says why. What cannot be removed of the old site stays beside the new one,
    with a warning: the new site is in place.
    """
    aside = sibling(out, "old")
    try:
        if out.exists():
            os.rename(out, aside)
        os.rename(staging, out)
    except OSError as error:
        if aside.exists():
            try:
                os.rename(aside, out)
            except OSError as lost:
                raise OSError(f"the old site could not be put back: it is in {aside}") from lost
        raise BuildError(f"cannot put the new site in place of {out}: {error}") from None
    shutil.rmtree(aside, ignore_errors=True)
    if aside.exists():
        print(f"site: could not remove all of the old site, in {aside}", file=sys.stderr)


def build(out, repository=None, jobs=2, *, notebook_dir=NOTEBOOKS, timeout=notebooks.CELL_TIMEOUT):
    """Build the site into `out` from the notebooks in `notebook_dir`, whole or not at all.

    timeout : seconds each cell may run

    Raises `BuildError` (a notebook raised, a cell ran too long, the new site could not take
    the old one's place); `out` is then as it was.
    """
    out, cache = Path(out), Path(out).parent / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    executed = executed_notebooks(cache, jobs, notebook_dir, timeout)  # first: fails soonest
    payloads = widget_data(cache, jobs)
    staging = sibling(out, "new")
    try:
        write_site(staging, payloads, executed, repository, notebook_dir)
        publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already, unless the build failed
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"site: {out}/index.html, {len(executed)} pages, {size / 1e6:.1f} MB", file=sys.stderr)
    return out


def write_site(staging, payloads, executed, repository, notebook_dir):
    """Every file of the site, into the new folder `staging`."""
    (staging / "data").mkdir(parents=True)
    (staging / "notebooks").mkdir()
    for name, payload in payloads.items():
        (staging / "data" / f"{name}.js").write_text(data.script(name, payload), "utf-8")
    copy_assets(staging)
    write_course_zip(staging)
    stems = list(executed)
    titles = {s: pages.title_of(executed[s][0]) for s in stems}
    entries = []
    for i, stem in enumerate(stems):
        nb, described = executed[stem]
        source = notebook_dir / f"{stem}.ipynb"
        shutil.copy2(source, staging / "notebooks" / source.name)
        summary = pages.summary_of(nb)
        nb = pages.prepare(nb, described, widgets.spec, stems)
        kinds = [
            o.data[pages.WIDGET]
            for c in nb.cells
            for o in c.get("outputs", [])
            if pages.WIDGET in o.get("data", {})
        ]
        page = {
            "title": titles[stem],
            "number": i + 1,
            "count": len(stems),
            "prev": neighbour(stems, titles, i - 1),
            "next": neighbour(stems, titles, i + 1),
            "source": href(f"notebooks/{source.name}"),
            "binder": binder_url(repository, stem),
            "course": COURSE_ZIP,
            "preload": preload(kinds),
            "modules": modules(kinds),
            "live": sum(k["live"] for k in kinds),
        }
        nb.metadata["title"] = f"{i + 1}. {titles[stem]}"
        (staging / f"{stem}.html").write_text(pages.render(nb, page), encoding="utf-8")
        entries.append(
            {
                "href": href(f"{stem}.html"),
                "title": titles[stem],
                "summary": markdown2html(summary),
                "source": page["source"],
                "binder": page["binder"],
                "live": [k["heading"] for k in kinds if k["live"]],
                "kernel": [k["heading"] for k in kinds if not k["live"]],
            }
        )
    contents_page(entries, staging)
    _write_json(staging / "build-stamp.json", stamp(repository, notebook_dir))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "site"))
    parser.add_argument(
        "--repository",
        default=os.environ.get("REPOSITORY", ""),
        help="the GitHub repository, OWNER/REPO, for the Binder links (default: $REPOSITORY)",
    )
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--notebooks", default=str(NOTEBOOKS), help="the folder of notebooks to make pages of"
    )
    parser.add_argument(
        "--cell-timeout",
        type=int,
        default=notebooks.CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"stop the build if a cell runs longer (default: {notebooks.CELL_TIMEOUT})",
    )
    parser.add_argument("--force", action="store_true", help="build even if up to date")
    args = parser.parse_args(argv)
    if args.cell_timeout <= 0:
        parser.error(f"--cell-timeout {args.cell_timeout}, must be > 0")
    repository = args.repository or None
    notebook_dir = Path(args.notebooks)
    if not args.force and up_to_date(args.out, repository, notebook_dir):
        print(f"site: {args.out} is up to date", file=sys.stderr)
        return
    try:
        build(args.out, repository, args.jobs, notebook_dir=notebook_dir, timeout=args.cell_timeout)
    except BuildError as error:
        raise SystemExit(f"site: {error}\nsite: {args.out} was left as it was") from None
