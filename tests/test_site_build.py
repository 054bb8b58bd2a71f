"""The site's build fails whole, says where, and links every page by its URL-encoded name.

A notebook that raises, a cell that runs too long, or a new site that cannot take the old one's
place leaves the old site byte for byte as it was, with a short plain-text message naming the
notebook and the cell. These tests build small sites from tiny notebooks in a temporary folder
(no widgets, so no engine data): not the course, which tests/test_site.py builds.
"""

import errno
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from coursesite import build  # noqa: E402


def write_notebook(folder, name, *code, text=""):
    """folder/name.ipynb: a title (and `text`), then one code cell per string in `code`."""
    cells = [nbformat.v4.new_markdown_cell(f"# {name}\n\n- a goal\n\n{text}")]
    cells += [nbformat.v4.new_code_cell(source) for source in code]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / f"{name}.ipynb")


def snapshot(folder):
    """Every folder and file below `folder`, each file with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def course(tmp_path, monkeypatch):
    """Empty folders for notebooks and a build, and an old site in build/site to protect."""
    monkeypatch.setattr(build, "widget_data", lambda cache, jobs: {})  # no widgets to draw
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    site = tmp_path / "build" / "site"
    (site / "static").mkdir(parents=True)
    (site / "index.html").write_text("<p>the old site</p>", encoding="utf-8")
    (site / "static" / "site.css").write_text("p { color: black; }", encoding="utf-8")
    return notebooks, site


def build_site(notebooks, site, *options):
    """`python site/build.py` on the notebooks into the site; the SystemExit's message."""
    argv = ["--notebooks", str(notebooks), "--out", str(site), "--jobs", "2", *options]
    with pytest.raises(SystemExit) as failed:
        build.main(argv)
    return str(failed.value.code)


def assert_left_alone(site, before, message):
    assert snapshot(site) == before, "the old site changed"
    beside = sorted(p.name for p in site.parent.iterdir())
    assert beside == ["cache", "site"], f"a new site was left beside the old one: {beside}"
    assert f"{site} was left as it was" in message
    assert "\x1b[" not in message, "terminal colours in the message"
    assert "Traceback" not in message


def test_a_notebook_that_raises_names_itself_and_its_cell(course, capfd):
    notebooks, site = course
    before = snapshot(site)
    write_notebook(notebooks, "01-fine", "x = 1")
    write_notebook(notebooks, "02-broken", "x = 1", "y = x / 0\nprint(y)", "z = 2")
    message = build_site(notebooks, site)
    assert (
        'notebook 02-broken.ipynb, cell 3 of 4 ("y = x / 0") raised ZeroDivisionError: division'
        " by zero" in message
    ), message
    assert "01-fine" not in message
    assert_left_alone(site, before, message)
    err = capfd.readouterr().err
    assert "\x1b[" not in err and "Traceback" not in err, err


def test_a_cell_that_runs_too_long_is_stopped_at_the_limit(course):
    notebooks, site = course
    before = snapshot(site)
    write_notebook(notebooks, "01-loops", "x = 1", "while True:\n    x += 1")
    message = build_site(notebooks, site, "--cell-timeout", "2")
    assert (
        'notebook 01-loops.ipynb, cell 3 of 3 ("while True:") did not finish within 2 s' in message
    ), message
    assert_left_alone(site, before, message)


def test_the_old_site_stays_whole_when_it_cannot_be_moved(course, monkeypatch):
    """Deleting the old site first would leave half of it if a part would not go; the build
    moves it aside instead, and when even that fails, nothing of it has changed."""
    notebooks, site = course
    before = snapshot(site)
    write_notebook(notebooks, "01-fine", "x = 1")
    rename = os.rename

    def stuck(source, target):
        if Path(source) == site:
            raise OSError(errno.ENOTEMPTY, "Directory not empty", str(source))
        rename(source, target)

    monkeypatch.setattr(os, "rename", stuck)
    message = build_site(notebooks, site, "--force")
    assert f"cannot put the new site in place of {site}" in message, message
    assert "Directory not empty" in message
    assert_left_alone(site, before, message)


def folders(tmp_path):
    """An old site and a complete new one, side by side."""
    old, new = tmp_path / "site", tmp_path / "site.new"
    for folder, text in ((old, "old"), (new, "new")):
        (folder / "static").mkdir(parents=True)
        (folder / "index.html").write_text(text, encoding="utf-8")
        (folder / "static" / f"{text}.css").write_text(text, encoding="utf-8")
    return old, new


def test_the_old_site_is_put_back_when_the_new_one_cannot_take_its_place(tmp_path, monkeypatch):
    old, new = folders(tmp_path)
    before = snapshot(old)
    rename = os.rename
    moved = []

    def refuse_new(source, target):
        if Path(source) == new:
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(source))
        moved.append(Path(source))
        rename(source, target)

    monkeypatch.setattr(os, "rename", refuse_new)
    with pytest.raises(build.BuildError, match="Invalid cross-device link"):
        build.publish(new, old)
    assert moved[0] == old, "the old site was never moved aside: the put-back was not tested"
    assert snapshot(old) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "site.new"]


def test_what_remains_of_the_old_site_is_named_and_the_new_one_is_in_place(
    tmp_path, monkeypatch, capsys
):
    old, new = folders(tmp_path)
    expected = snapshot(new)
    rmtree = shutil.rmtree

    def partly(path, *args, **kwargs):
        if ".old-" not in Path(path).name:
            rmtree(path, *args, **kwargs)
        # else: a part that cannot be removed; ignore_errors=True says nothing

    monkeypatch.setattr(shutil, "rmtree", partly)
    build.publish(new, old)
    assert snapshot(old) == expected
    (left,) = [p for p in tmp_path.iterdir() if p != old]
    assert left.name.startswith("site.old-") and (left / "index.html").read_text() == "old"
    assert f"could not remove all of the old site, in {left}" in capsys.readouterr().err


def test_names_that_are_not_urls_get_links_that_resolve(course):
    notebooks, site = course
    first, second = "50% done", "a#b?c"  # sorted: 50% done, then a#b?c
    write_notebook(notebooks, first, "x = 1", text=f"[next]({second}.ipynb)")
    write_notebook(notebooks, second, "x = 2", text="[back](50%25%20done.ipynb)")
    build.build(site, "owner/repo", jobs=2, notebook_dir=notebooks)
    pages = [site / "index.html", site / f"{first}.html", site / f"{second}.html"]
    linked, binder = set(), set()
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["a", "link", "script"]):
            url = tag.get("href") or tag.get("src")
            if not url or url.startswith(("#", "data:")):
                continue
            parts = urlsplit(url)
            if parts.scheme:
                assert parts.netloc == "mybinder.org", url
                (labpath,) = parse_qs(parts.query)["labpath"]
                assert (notebooks / labpath.removeprefix("notebooks/")).exists(), url
                binder.add(labpath)
                continue
            assert not parts.query and not parts.fragment, f"{page.name}: {url} is cut short"
            assert (site / unquote(parts.path)).is_file(), f"{page.name}: {url} leads nowhere"
            linked.add(unquote(parts.path))
    for name in (first, second):
        for target in (f"{name}.html", f"notebooks/{name}.ipynb"):
            assert target in linked, f"no link to {target}"
    assert binder == {f"notebooks/{first}.ipynb", f"notebooks/{second}.ipynb"}
    second_page = (site / f"{second}.html").read_text(encoding="utf-8")
    assert 'href="50%25%20done.html"' in second_page  # its markdown link, now to the page
