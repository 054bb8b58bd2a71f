"""Tests of rnnviz.release, the graded release: every exercise of the notebooks is found with its
points; the student's version of each exercise cell is the course's; the solutions pass the
checks and the course's stubs fail them, with the hidden seed too; and the real graders, nbgrader
and otter-grader, give a correct submission full marks and an untouched one none."""

import copy
import json
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import rnnviz as rv
from rnnviz import exercises as ex
from rnnviz import release

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = {
    "01-backprop-through-time": ["backward_step"],
    "02-vanishing-gradients": ["vanishing_factor", "tanh_sigmoid_steps"],
    "03-exploding-gradients": ["exploding_factor", "float32_overflow_steps", "nonnormal"],
    "04-gradient-clipping": ["clip"],
    "05-wrap-up": ["clip_factor"],
    "06-gated-units": ["gru_step"],
}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded")
    return out, release.write_release(out)


def _notebook(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _graded_cells(nb):
    """{grade_id: cell} of nbgrader's cells."""
    return {
        c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"] if "nbgrader" in c["metadata"]
    }


def test_every_exercise_is_found_with_its_points(written):
    out, found = written
    assert {name: [e.name for e in es] for name, es in found.items()} == EXERCISES
    assert set(release.POINTS) == {e for es in EXERCISES.values() for e in es}  # none left over
    points = {e.name: (e.points, e.hidden_points) for es in found.values() for e in es}
    assert points == release.POINTS
    assert sum(map(sum, points.values())) == 15
    for name in EXERCISES:
        for path in (
            out / "nbgrader" / "source" / name / f"{name}.ipynb",
            out / "otter" / name / f"{name}.ipynb",
        ):
            assert path.is_file(), path
    assert "ClearSolutions.code_stub" in (out / "nbgrader" / "nbgrader_config.py").read_text()


def _without(source, begin, end):
    """`source` with the lines from `begin` to `end` left out, as the graders do."""
    kept, inside = [], False
    for line in source.split("\n"):
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def test_the_students_cells_are_the_course_cells(written):
    out, found = written
    for name, exercises in found.items():
        course = _notebook(ROOT / "notebooks" / f"{name}.ipynb")
        graded = _notebook(out / "nbgrader" / "source" / name / f"{name}.ipynb")
        otter = _notebook(out / "otter" / name / f"{name}.ipynb")
        cells = _graded_cells(graded)
        for e in exercises:
            original = _source(course["cells"][e.student_cell])
            solution = _source(cells[e.name])
            assert "### BEGIN SOLUTION" in solution and original not in solution
            stripped = _without(solution, "### BEGIN SOLUTION", "### END SOLUTION")
            assert stripped == original, (e.name, stripped)
            in_otter = [
                _source(c) for c in otter["cells"] if "# BEGIN SOLUTION NO PROMPT" in _source(c)
            ]
            assert original in [
                _without(s, "# BEGIN SOLUTION NO PROMPT", "# END SOLUTION") for s in in_otter
            ]
        markdown = "".join(_source(c) for c in graded["cells"] if c["cell_type"] == "markdown")
        assert "show_solution" not in markdown and "Ask your instructor." in markdown


def _run_cells(*sources):
    """Run cell sources one after the other in a namespace like a notebook's; the last error."""
    namespace = {"rv": rv, "np": np}
    for source in sources:
        try:
            exec(compile(source, "<cell>", "exec"), namespace)
        except AssertionError as e:
            return e
    return None


def _tests(cells, e):
    """The sources of exercise `e`'s graded cells (visible, hidden) and their points."""
    ids = [i for i in (f"{e.name}_test", f"{e.name}_hidden_test") if i in cells]
    return [_source(cells[i]) for i in ids], [
        cells[i]["metadata"]["nbgrader"]["points"] for i in ids
    ]


def test_solutions_pass_the_graded_tests_and_the_course_stubs_fail_them(written):
    out, found = written
    for name, exercises in found.items():
        course = _notebook(ROOT / "notebooks" / f"{name}.ipynb")
        cells = _graded_cells(_notebook(out / "nbgrader" / "source" / name / f"{name}.ipynb"))
        for e in exercises:
            tests, points = _tests(cells, e)
            assert points == [p for p in (e.points, e.hidden_points) if p], e.name
            check = [_source(course["cells"][e.check_cell])] * (e.check_cell != e.student_cell)
            assert _run_cells(_source(cells[e.name]), *check, *tests) is None, e.name
            failed = _run_cells(_source(course["cells"][e.student_cell]), *check, *tests)
            if tests:
                assert isinstance(failed, AssertionError), e.name
                assert str(failed).startswith("Not yet."), failed  # the check's own feedback


def _equal(a, b):
    """Whether a and b, nested tuples and dicts of arrays, are equal."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(map(_equal, a, b))
    return np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a) == np.asarray(b)))


def _memorising(solution):
    """(a function that answers like `solution` and records each call, the record)."""
    known = []

    def record(*args):
        known.append((copy.deepcopy(args), solution(*args)))
        return known[-1][1]

    return record, known


def test_hidden_tests_run_the_check_with_another_seed(written):
    """A function that knows the answers to the visible test's inputs, and nothing else, gets
    the visible points and not the hidden ones."""
    out, found = written
    hidden = [(name, e) for name, es in found.items() for e in es if e.hidden_points]
    assert [e.name for _, e in hidden] == ["backward_step", "clip", "gru_step"]
    for name, e in hidden:
        cells = _graded_cells(_notebook(out / "nbgrader" / "source" / name / f"{name}.ipynb"))
        (visible, secret), _ = _tests(cells, e)
        assert f", seed={release.HIDDEN_SEED})" in secret and ", seed=" not in visible
        assert secret.startswith("### BEGIN HIDDEN TESTS\n")
        assert secret.endswith("\n### END HIDDEN TESTS")
        record, known = _memorising(ex.SOLUTIONS[e.name])
        check, function = re.fullmatch(r"rv\.(\w+)\((\w+)\)", e.call).groups()
        assert getattr(rv, check)(record)  # the visible test's inputs, seed 0
        memorised = f"def {function}(*args):\n"
        memorised += "    return next((r for a, r in known if _equal(a, args)), None)"
        namespace = {"rv": rv, "np": np, "known": known, "_equal": _equal}
        exec(memorised + "\n" + visible, namespace)  # passes
        with pytest.raises(AssertionError, match="Not yet"):
            exec(secret, namespace)


def test_a_release_has_solutions_off(written, monkeypatch, capsys):
    out, found = written
    monkeypatch.setenv("RNNVIZ_SOLUTIONS", "on")  # restored after the test
    for name in found:
        for path in (
            out / "nbgrader" / "source" / name / f"{name}.ipynb",
            out / "otter" / name / f"{name}.ipynb",
        ):
            code = [c for c in _notebook(path)["cells"] if c["cell_type"] == "code"]
            assert "RNNVIZ_SOLUTIONS" in _source(code[0]) and "import rnnviz" in _source(code[1])
    first = _graded_cells(_notebook(out / "nbgrader" / "source" / name / f"{name}.ipynb"))
    off = first["solutions_off"]
    assert off["metadata"]["nbgrader"]["locked"] and not off["metadata"]["nbgrader"]["grade"]
    exec(_source(off), {})  # sets os.environ, as the notebook's first cell does
    rv.show_solution("gru_step")
    assert "Solutions are off in this release" in capsys.readouterr().out


# ---- The real graders --------------------------------------------------------------------


HIDDEN = "check_backward_step(backward_step, seed="  # notebook 01's hidden test


def _nbgrader_round_trip(course, name):
    """nbgrader generate_assignment, then autograde a correct and an untouched submission:
    {student: (score, max_score)}."""
    from nbgrader.api import Gradebook

    release.assign(course.parent, [name], graders=("nbgrader",))
    handed_out = _notebook(course / "release" / name / f"{name}.ipynb")
    assert HIDDEN not in json.dumps(handed_out)  # the hidden test is not handed out
    source = _graded_cells(_notebook(course / "source" / name / f"{name}.ipynb"))
    done = copy.deepcopy(handed_out)
    for cell in done["cells"]:  # the student fills in each solution cell
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = _source(source[meta["grade_id"]])
    for student, nb in (("correct", done), ("untouched", handed_out)):
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True)
        (folder / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    release._run(["nbgrader", "autograde", name, "--create"], course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            s: (
                gradebook.find_submission(name, s).score,
                gradebook.find_submission(name, s).max_score,
            )
            for s in ("correct", "untouched")
        }


def _otter_round_trip(folder, name):
    """otter assign, then otter run on the solutions and on the student's notebook as handed out:
    {submission: (score, max_score)}."""
    release.assign(folder.parents[1], [name], graders=("otter",))
    (autograder,) = (folder / "dist" / "autograder").glob("*.zip")
    assert HIDDEN not in (folder / "dist" / "student" / f"{name}.ipynb").read_text()
    scores = {}
    for submission, notebook in (("correct", "autograder"), ("untouched", "student")):
        results = folder / "results" / submission
        results.mkdir(parents=True)
        command = ["otter", "run", "-a", str(autograder), "-o", str(results)]
        release._run([*command, str(folder / "dist" / notebook / f"{name}.ipynb")], folder)
        tests = json.loads((results / "results.json").read_text())["tests"]
        scores[submission] = tuple(sum(t.get(k, 0) for t in tests) for k in ("score", "max_score"))
    return scores


def test_graders_give_a_correct_submission_full_marks_and_an_untouched_one_none(tmp_path):
    here = str(Path(sys.executable).parent)
    for tool in ("nbgrader", "otter"):
        if shutil.which(tool, path=here) is None:
            pytest.fail(
                f"{tool} is not installed beside {sys.executable}: pip install -e '.[test]'"
            )
    name = "01-backprop-through-time"  # a function exercise, with its hidden test: 2 + 1 points
    release.write_release(tmp_path, [ROOT / "notebooks" / f"{name}.ipynb"])
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:  # the two graders side by side
        nbgrader = pool.submit(_nbgrader_round_trip, tmp_path / "nbgrader", name)
        otter = pool.submit(_otter_round_trip, tmp_path / "otter" / name, name)
        scores = {"nbgrader": nbgrader.result(), "otter": otter.result()}
    print(f"both graders' round trips: {time.monotonic() - started:.0f} s; {scores}")
    graded = (tmp_path / "otter" / name / "dist" / "autograder" / f"{name}.ipynb").read_text()
    assert HIDDEN in graded  # the autograder has it
    full, none = (3, 3), (0, 3)
    assert scores == {g: {"correct": full, "untouched": none} for g in ("nbgrader", "otter")}


def test_the_graders_are_an_extra_that_make_test_and_make_graded_install():
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = extras["optional-dependencies"]
    graders = {re.split(r"[<>=; ]", r)[0] for r in extras["grade"]}
    assert graders == {"nbgrader", "otter-grader"}
    for other in ("course", "test"):  # JupyterLab for the course stays without them
        assert not graders & {re.split(r"[<>=; ]", r)[0] for r in extras[other]}, other
    for target in (".venv/.test", "graded"):
        dry_run = subprocess.run(
            ["make", "-n", "-W", "pyproject.toml", target],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "pip install --quiet -e '.[grade]'" in dry_run, (target, dry_run)
    assert "-m rnnviz.release build/graded --assign" in dry_run
