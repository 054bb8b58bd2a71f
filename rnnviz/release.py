"""A graded release: the course's notebooks made ready for nbgrader and for otter-grader.

    python -m rnnviz.release build/graded            (make graded: also --assign)

writes, from notebooks/*.ipynb and the checks of `rnnviz.exercises`,

    build/graded/nbgrader/   an nbgrader course: nbgrader_config.py and
                             source/<notebook>/<notebook>.ipynb, for `nbgrader generate_assignment`
    build/graded/otter/      <notebook>/<notebook>.ipynb in otter-assign's format, for
                             `otter assign <notebook>.ipynb dist`

An exercise is where a notebook calls its check, `rv.check_clip(clip_by_global_norm)`, after a
cell marked `# YOUR CODE HERE`. In the copies that cell holds the reference solution between the
graders' markers, so that the student's version is the course's own cell; after the check come
locked, graded cells that assert the same check (the check's feedback is the failure message),
and, for a check that takes a `seed`, a hidden test cell that runs it with another seed. Every
copy first sets RNNVIZ_SOLUTIONS=off: `rv.show_solution` then shows no solution.
With --assign, the graders' own commands then write the student versions: nbgrader's release/
and otter's <notebook>/dist/ (student/ and autograder/autograder.zip).
"""

import argparse
import ast
import copy
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import exercises

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
# exercise -> (points of the visible test, points of the hidden test with another seed);
# (0, 0): an optional exercise, with its solution but not graded
POINTS = {
    "backward_step": (2, 1),
    "vanishing_factor": (1, 0),
    "tanh_sigmoid_steps": (0, 0),
    "exploding_factor": (1, 0),
    "float32_overflow_steps": (1, 0),
    "nonnormal": (2, 0),
    "clip": (2, 1),
    "clip_factor": (1, 0),
    "gru_step": (2, 1),
}
HIDDEN_SEED = 1  # the seed of the hidden tests (the visible ones use the checks' seed, 0)
SOLUTIONS_OFF = (
    "import os\n\n"
    'os.environ["RNNVIZ_SOLUTIONS"] = "off"  # a graded release: rv.show_solution shows none'
)
NBGRADER_CONFIG = """\
# nbgrader's configuration of the rnnviz course (written by `python -m rnnviz.release`)
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "rnnviz"
# A solution region disappears: the student's version is the course's cell, with its stub
# (`raise NotImplementedError`, or `answer = ...`) and its hint.
c.ClearSolutions.code_stub = {"python": ""}
"""
OTTER_CONFIG = {
    "init_cell": True,
    "check_all_cell": False,
    "export_cell": {"pdf": False, "run_tests": False},
    "run_tests": False,  # the course's tests run the solutions: `make test`
    "solutions_pdf": False,
    "template_pdf": False,
    "tests": {"files": False, "ok_format": True},
}
_MARKER = re.compile(r"#\s*YOUR (CODE|ANSWER) HERE")
_SHOW_SOLUTION = re.compile(r";?[^.!?;]*`rv\.show_solution\([^`]*\)`[^.!?;]*")


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook, as found there."""

    name: str  # the exercise's name in rnnviz.exercises: "clip", "vanishing_factor", ...
    call: str  # the check as the notebook calls it: 'rv.check_clip(clip_by_global_norm)'
    student_cell: int  # the cell marked YOUR CODE HERE
    check_cell: int  # the cell that calls the check (may be the same)
    solution: tuple  # (the student cell's line before which the solution goes, its lines)
    points: int
    hidden_points: int

    def test(self, seed=None):
        """The graded test: the check asserted, its feedback the failure message."""
        call = self.call if seed is None else f"{self.call[:-1].rstrip(', ')}, seed={seed})"
        return f"feedback = {call}\nassert feedback, feedback"


def find_exercises(nb):
    """The exercises of notebook `nb` (a dict, as in the .ipynb), in order.

    Raises ValueError when a check cell has no marked cell before it, when an exercise has no
    reference solution or no entry in POINTS, or when the student's stub is not the course's.
    """
    found = []
    for i, cell in enumerate(nb["cells"]):
        call = _check_call(cell)
        if call is None:
            continue
        name = call.args[0].value if call.func.attr == "check_answer" else call.func.attr[6:]
        if name not in POINTS:
            raise ValueError(f"exercise {name!r} has no points: add it to rnnviz.release.POINTS")
        student = next((j for j in range(i, -1, -1) if _marked(nb["cells"][j])), None)
        if student is None:
            raise ValueError(f"the check of {name!r} (cell {i}) has no cell marked YOUR CODE HERE")
        answer = call.args[-1]
        if not isinstance(answer, ast.Name):
            raise ValueError(f"the check of {name!r} takes {ast.unparse(answer)}, not a name")
        points, hidden = POINTS[name]
        if (
            hidden
            and "seed" not in inspect.signature(getattr(exercises, call.func.attr)).parameters
        ):
            raise ValueError(f"{name!r} has hidden points but its check takes no seed")
        found.append(
            Exercise(
                name,
                ast.get_source_segment(_source(cell), call),
                student,
                i,
                _solution(name, answer.id, _source(nb["cells"][student])),
                points,
                hidden,
            )
        )
    return found


def _source(cell):
    return "".join(cell["source"])


def _marked(cell):
    return cell["cell_type"] == "code" and bool(_MARKER.search(_source(cell)))


def _check_call(cell):
    """The call `rv.check_...(...)` that a code cell makes on its own line, or None."""
    if cell["cell_type"] != "code":
        return None
    try:
        tree = ast.parse(_source(cell))
    except SyntaxError:  # IPython magics: no exercise there
        return None
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "rv"
            and call.func.attr.startswith("check_")
        ):
            return call
    return None


def _solution(name, target, source):
    """(line index, solution lines): where the reference solution goes in the student's cell.

    A function (`def clip_by_global_norm(...)`) gets the reference's body before its
    `raise NotImplementedError`; a value (`answer = ...`) is assigned after its line.
    """
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == target:
            stub = node.body[-1]
            if not (isinstance(stub, ast.Raise) and "NotImplementedError" in ast.unparse(stub)):
                raise ValueError(f"{target} does not end with `raise NotImplementedError`")
            reference = exercises.SOLUTIONS[name]
            ours = list(inspect.signature(reference).parameters)
            theirs = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
            if ours != theirs:
                raise ValueError(f"{target}{tuple(theirs)} takes other arguments than {ours}")
            indent = " " * stub.col_offset
            return stub.lineno - 1, [indent + line for line in _body(reference)]
        if (
            isinstance(node, ast.Assign)
            and [ast.unparse(t) for t in node.targets] == [target]
            and isinstance(node.value, ast.Constant)
            and node.value.value is ...
        ):
            return node.end_lineno, [f"{target} = {_value(name)}"]
    raise ValueError(f"the cell of {name!r} has no `def {target}` nor `{target} = ...`")


def _body(function):
    """The lines of `function`'s body after its docstring, dedented; its last statement returns."""
    source = textwrap.dedent(inspect.getsource(function))
    node = ast.parse(source).body[0]
    body = node.body[1:] if ast.get_docstring(node) else node.body
    if not isinstance(body[-1], ast.Return):
        raise ValueError(f"{function.__name__} must end with `return`")
    lines = source.splitlines()[body[0].lineno - 1 : body[-1].end_lineno]
    return textwrap.dedent("\n".join(lines)).splitlines()


def _value(name):
    """The reference answer of exercise `name` as Python code (numpy as np)."""
    if name in exercises.ANSWERS:
        return exercises.ANSWERS[name].solution
    value = exercises.SOLUTIONS[name]()
    return f"np.array({np.asarray(value).tolist()})"


# ---- The two graders' formats -------------------------------------------------------------


def _with_solution(cell, exercise, begin, end):
    """The student's cell with the reference solution between the lines `begin` and `end`."""
    lines = _source(cell).split("\n")
    at, solution = exercise.solution
    indent = re.match(r"\s*", solution[0]).group(0)
    lines[at:at] = [indent + begin, *solution, indent + end]
    return "\n".join(lines)


def _code(source, cell_id, metadata=None):
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": metadata or {},
        "outputs": [],
        "source": source,
    }


def _raw(source, cell_id):
    return {"cell_type": "raw", "id": cell_id, "metadata": {}, "source": source}


def _nbgrader(grade_id, *, solution=False, points=None):
    """nbgrader's metadata: a solution cell, a graded test cell (points), or a read-only one."""
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": not solution}
    meta |= {"schema_version": 3, "solution": solution}
    return {"nbgrader": meta | ({"points": points} if points is not None else {})}


def _prepared(nb):
    """A copy of `nb` without outputs, with the show_solution hints taken out of its text, the
    solutions switched off first, and its exercises; the cells' indices shift by one."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = _SHOW_SOLUTION.sub("", _source(cell))
        elif cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    found = find_exercises(nb)
    first = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    nb["cells"].insert(first, _code(SOLUTIONS_OFF, "solutions-off"))
    return nb, [(e, e.student_cell + 1, e.check_cell + 1) for e in found], first


def nbgrader_notebook(nb, seed=HIDDEN_SEED):
    """`nb` in nbgrader's format: solution regions, locked graded tests, hidden tests."""
    nb, found, first = _prepared(nb)
    nb["cells"][first]["metadata"] |= _nbgrader("solutions_off")
    for e, student, check in reversed(found):
        tests = []
        if e.points:
            meta = _nbgrader(f"{e.name}_test", points=e.points)
            tests.append(_code(e.test(), f"{e.name}-test", meta))
        if e.hidden_points:
            hidden = f"### BEGIN HIDDEN TESTS\n{e.test(seed)}\n### END HIDDEN TESTS"
            meta = _nbgrader(f"{e.name}_hidden_test", points=e.hidden_points)
            tests.append(_code(hidden, f"{e.name}-hidden-test", meta))
        nb["cells"][check + 1 : check + 1] = tests
        cell = nb["cells"][student]
        cell["source"] = _with_solution(cell, e, "### BEGIN SOLUTION", "### END SOLUTION")
        cell["metadata"] |= _nbgrader(e.name, solution=True)
    return nb


def otter_notebook(nb, name, seed=HIDDEN_SEED):
    """`nb` in otter-assign's format (v1): a question per exercise, with solution and tests."""
    nb, found, _ = _prepared(nb)
    for e, student, check in reversed(found):
        tests = []
        for points, hidden, s in ((e.points, False, None), (e.hidden_points, True, seed)):
            if points:
                config = f'""" # BEGIN TEST CONFIG\npoints: {points}\nhidden: {str(hidden).lower()}'
                config += '\n""" # END TEST CONFIG\n'
                tests.append(_code(config + e.test(s), f"{e.name}-test-{len(tests)}"))
        cell = nb["cells"][student]
        cell["source"] = _with_solution(cell, e, "# BEGIN SOLUTION NO PROMPT", "# END SOLUTION")
        after = [
            _raw("# BEGIN TESTS", f"{e.name}-tests"),
            *tests,
            _raw("# END TESTS", f"{e.name}-tests-end"),
        ]
        nb["cells"][check + 1 : check + 1] = [
            *(after if tests else []),
            _raw("# END QUESTION", f"{e.name}-question-end"),
        ]
        nb["cells"][student + 1 : student + 1] = [_raw("# END SOLUTION", f"{e.name}-solution-end")]
        question = f"# BEGIN QUESTION\nname: {e.name}"
        question += "" if tests else "\nmanual: false\npoints: 0"
        nb["cells"][student:student] = [
            _raw(question, f"{e.name}-question"),
            _raw("# BEGIN SOLUTION", f"{e.name}-solution"),
        ]
    config = json.dumps({"name": name, **OTTER_CONFIG}, indent=1)  # JSON is YAML
    nb["cells"].insert(0, _raw("# ASSIGNMENT CONFIG\n" + config, "assignment-config"))
    return nb


# ---- The release --------------------------------------------------------------------------


def write_release(out, notebooks=None, *, seed=HIDDEN_SEED):
    """Write the graded copies of `notebooks` (paths; default: every notebook with an exercise)
    into `out`/nbgrader and `out`/otter; return {notebook name: its exercises}.

    `out`/nbgrader/source is written anew; the rest of `out` (the graders' own folders, such as
    nbgrader's submitted/ and gradebook.db) is left as it is.
    """
    out = Path(out)
    paths = sorted(NOTEBOOKS.glob("[0-9]*.ipynb")) if notebooks is None else map(Path, notebooks)
    shutil.rmtree(out / "nbgrader" / "source", ignore_errors=True)  # all of it is written here
    written = {}
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        found = find_exercises(nb)
        if not found:
            continue
        name = path.stem
        for folder, graded in (
            (out / "nbgrader" / "source" / name, nbgrader_notebook(nb, seed)),
            (out / "otter" / name, otter_notebook(nb, name, seed)),
        ):
            folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps(graded, indent=1, ensure_ascii=False) + "\n"
            (folder / path.name).write_text(text, encoding="utf-8")
        written[name] = found
    (out / "nbgrader").mkdir(parents=True, exist_ok=True)
    (out / "nbgrader" / "nbgrader_config.py").write_text(NBGRADER_CONFIG, encoding="utf-8")
    return written


def assign(out, names, graders=("nbgrader", "otter")):
    """Run the graders' own commands on the release in `out`: nbgrader generate_assignment
    (into `out`/nbgrader/release/<name>) and otter assign (into `out`/otter/<name>/dist)."""
    out = Path(out).resolve()
    for name in names:
        if "nbgrader" in graders:
            _run(["nbgrader", "generate_assignment", name, "--force"], out / "nbgrader")
        if "otter" in graders:
            shutil.rmtree(out / "otter" / name / "dist", ignore_errors=True)
            _run(["otter", "assign", f"{name}.ipynb", "dist"], out / "otter" / name)


def _run(command, cwd):
    """Run a grader's command from this Python's environment (nbgrader calls its own tools)."""
    bin_dir = str(Path(sys.executable).parent)
    env = os.environ | {"PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")])}
    subprocess.run(command, cwd=cwd, env=env, check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m rnnviz.release", description=__doc__.split("\n")[0]
    )
    parser.add_argument("out", nargs="?", default="build/graded", help="where to write")
    parser.add_argument("--seed", type=int, default=HIDDEN_SEED, help="the hidden tests' seed")
    parser.add_argument("--assign", action="store_true", help="then run the graders' commands")
    args = parser.parse_args(argv)
    written = write_release(args.out, seed=args.seed)
    for name, found in written.items():
        points = sum(e.points + e.hidden_points for e in found)
        print(f"{name}: {', '.join(e.name for e in found)} ({points} point{'s' * (points != 1)})")
    if args.assign:
        assign(args.out, written)
    print(f"nbgrader: {Path(args.out) / 'nbgrader'}    otter: {Path(args.out) / 'otter'}")


if __name__ == "__main__":
    main()
