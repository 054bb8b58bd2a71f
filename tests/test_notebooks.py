"""The notebooks follow the course's conventions (nbval runs them; this checks their shape)."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb"))
MAX_CODE_LINES = 12


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _source(cell):
    return "".join(cell["source"])


def test_there_is_a_numbered_sequence_of_notebooks():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_metadata_is_clean(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb["metadata"], "stored widget state: run `make notebooks`"
    assert path.stat().st_size < 200_000


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opening_and_closing_cells(path):
    cells = _cells(path)
    first = _source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and first.startswith("# ")
    assert re.search(r"\*\*Time:?\*\*:?\s*(about )?\d+", first), "first cell states the time needed"
    assert "Read first" in first
    assert cells[1]["cell_type"] == "code" and "import rnnviz as rv" in _source(cells[1])
    last = _source(cells[-1])
    assert cells[-1]["cell_type"] == "markdown" and "Summary" in _source(cells[-2]) + last
    if path != NOTEBOOKS[-1]:
        nxt = NOTEBOOKS[NOTEBOOKS.index(path) + 1].name
        assert f"({nxt})" in last, f"the last cell links to {nxt}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_mostly_prose_with_short_code(path):
    cells = _cells(path)
    code = [c for c in cells if c["cell_type"] == "code"]
    prose = [c for c in cells if c["cell_type"] == "markdown"]
    assert len(prose) > len(code)
    for c in code:
        src = _source(c)
        assert "sys.path" not in src
        assert len(src.strip().splitlines()) <= MAX_CODE_LINES, src


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_checked_cells_keep_outputs(path):
    checked = 0
    for c in _cells(path):
        if c["cell_type"] != "code":
            continue
        is_checked = _source(c).startswith("# NBVAL_CHECK_OUTPUT")
        kept = "keep_output" in c.get("metadata", {}).get("tags", [])
        assert is_checked == kept, _source(c)[:80]
        if is_checked:
            checked += 1
            assert c["outputs"] and c["execution_count"], "checked cells store their output"
            assert all(o["output_type"] == "stream" for o in c["outputs"]), "plain text only"
        else:
            assert not c["outputs"], "outputs are stripped: run `make notebooks`"
    assert checked >= 2, "key numbers are checked by nbval"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_there_is_an_exercise_with_a_check(path):
    sources = [_source(c) for c in _cells(path) if c["cell_type"] == "code"]
    assert any(re.search(r"rv\.(check_\w+|Quiz)\(", s) for s in sources)
