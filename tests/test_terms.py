"""No technical term is used before the cell that defines it (the list: docs/terms.md).

Each row of the list names a notebook, a term, a regular expression for its forms and a phrase
of the cell that defines it. A use is a match in a markdown cell, in a code cell's stored output
or in a string the code prints (its string literals): what the reader sees. The opening cell
(what the notebook teaches) may name terms ahead of their definition; every other cell before the
defining one, in this notebook and in the notebooks before it, may not.
"""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TERMS = ROOT / "docs" / "terms.md"
ROW = re.compile(r"^\|\s*(\d\d)\s*\|\s*(.+?)\s*\|\s*`(.+?)`\s*\|\s*\"(.+?)\"\s*\|\s*$")


def _rows():
    rows = [ROW.match(line) for line in TERMS.read_text(encoding="utf-8").splitlines()]
    # a table cell writes the | of a regular expression as \|
    return [(n, term, pattern.replace("\\|", "|"), phrase) for m in rows if m
            for n, term, pattern, phrase in [m.groups()]]  # fmt: skip


def _notebook(number):
    (path,) = (ROOT / "notebooks").glob(f"{number}-*.ipynb")
    return path, json.loads(path.read_text(encoding="utf-8"))["cells"]


def _seen(cell):
    """The text of a cell that a reader sees: markdown, stored output, printed strings."""
    source = "".join(cell["source"])
    if cell["cell_type"] == "markdown":
        return source
    shown = ["".join(o.get("text", "")) for o in cell.get("outputs", [])]
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax: read the whole source
        return "\n".join([*shown, source])
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    return "\n".join(shown + [s for s in strings if isinstance(s, str)])


ROWS = _rows()


def test_the_list_covers_every_notebook():
    listed = {number for number, *_ in ROWS}
    numbers = {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")}
    assert len(ROWS) >= 20 and listed >= numbers - {"05"}, sorted(numbers - listed)


@pytest.mark.parametrize("number, term, pattern, phrase", ROWS, ids=[r[1] for r in ROWS])
def test_term_is_defined_before_it_is_used(number, term, pattern, phrase):
    path, cells = _notebook(number)
    where = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
             and phrase in "".join(c["source"])]  # fmt: skip
    assert where, f"{path.name}: no markdown cell contains the defining phrase {phrase!r}"
    defined = where[0]
    found = re.compile(pattern, re.IGNORECASE)
    assert found.search("".join(cells[defined]["source"])), f"{term!r} not in its defining cell"
    earlier = [(p.name, i, c) for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
               if p.name[:2] < number for i, c in enumerate(_notebook(p.name[:2])[1])]  # fmt: skip
    earlier += [(path.name, i, c) for i, c in enumerate(cells[:defined])]
    for name, i, cell in earlier:
        if i == 0:
            continue  # the opening cell lists what the notebook will teach
        m = found.search(_seen(cell))
        assert m is None, (
            f"{name}, cell {i} uses {term!r} ({m.group(0)!r}) before {path.name}, cell "
            f"{defined}, defines it"
        )
