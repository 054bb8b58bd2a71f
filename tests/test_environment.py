"""environment.yml (conda, Binder) and pyproject.toml (pip) must install the same things."""

import re
import sys
from pathlib import Path

import pytest
import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
# extras that environment.yml must cover; "bench" (PyTorch, for comparisons only) is left out
EXTRAS = ("course", "test")
CONDA_ONLY = {"python", "pip"}


def _split(requirement):
    """'numpy>=2.0' -> ('numpy', '>=2.0'), names normalised as PyPI does."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2).replace(" ", "")


def pip_requirements(pyproject_text):
    project = tomllib.loads(pyproject_text)["project"]
    reqs = list(project["dependencies"])
    for extra in EXTRAS:
        reqs += project["optional-dependencies"][extra]
    # requirements with an environment marker (e.g. tomli on Python < 3.11) do not apply to the
    # exact Python that environment.yml pins
    return dict(_split(r) for r in reqs if ";" not in r)


def conda_requirements(environment_text):
    deps = yaml.safe_load(environment_text)["dependencies"]
    pairs = dict(_split(d) for d in deps if isinstance(d, str))
    return {k: v for k, v in pairs.items() if k not in CONDA_ONLY}


def drift(pyproject_text, environment_text):
    """Human-readable differences between the two package lists (empty when they agree)."""
    pip, conda = pip_requirements(pyproject_text), conda_requirements(environment_text)
    problems = [
        f"{n} is in pyproject.toml but not in environment.yml" for n in pip.keys() - conda.keys()
    ]
    problems += [
        f"{n} is in environment.yml but not in pyproject.toml" for n in conda.keys() - pip.keys()
    ]
    problems += [
        f"{n}: pyproject.toml says {pip[n]!r}, environment.yml says {conda[n]!r}"
        for n in pip.keys() & conda.keys()
        if pip[n] != conda[n]
    ]
    return sorted(problems)


@pytest.fixture(scope="module")
def texts():
    return (ROOT / "pyproject.toml").read_text(), (ROOT / "environment.yml").read_text()


def test_environment_and_pyproject_list_the_same_packages(texts):
    assert drift(*texts) == []


@pytest.mark.parametrize("package", ["plotly", "nbval", "anywidget"])
def test_drift_is_caught_when_a_package_is_removed_from_either_side(texts, package):
    pyproject, environment = texts
    no_conda = re.sub(rf"\n\s*- {package}[^\n]*", "", environment)
    no_pip = re.sub(rf'\n\s*"{package}[^"]*",', "", pyproject)
    assert no_conda != environment and no_pip != pyproject
    assert f"{package} is in pyproject.toml but not in environment.yml" in drift(
        pyproject, no_conda
    )
    assert f"{package} is in environment.yml but not in pyproject.toml" in drift(
        no_pip, environment
    )


def test_a_changed_floor_is_caught(texts):
    pyproject, environment = texts
    assert drift(pyproject, environment.replace("numpy>=2.0", "numpy>=1.26"))


def test_python_is_pinned_exactly_and_allowed_by_pyproject(texts):
    pyproject, environment = texts
    deps = yaml.safe_load(environment)["dependencies"]
    pins = [d for d in deps if isinstance(d, str) and d.startswith("python")]
    assert len(pins) == 1 and re.fullmatch(r"python=3\.\d+", pins[0]), pins
    floor = tomllib.loads(pyproject)["project"]["requires-python"]
    assert floor.startswith(">=3.")
    assert int(pins[0].split(".")[1]) >= int(floor.split(".")[1])


def test_environment_installs_the_package_itself(texts):
    deps = yaml.safe_load(texts[1])["dependencies"]
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    assert any(line.split()[-1] == "." for line in pip_section)


def test_lab_settings_are_valid_and_used_by_make_lab():
    """lab-settings/overrides.json sets real JupyterLab settings, and `make lab` passes it."""
    import json

    import jsonschema

    overrides = json.loads((ROOT / "lab-settings" / "overrides.json").read_text())
    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    for plugin, values in overrides.items():
        package, name = plugin.rsplit(":", 1)
        schema = json.loads((schemas / package / f"{name}.json").read_text())
        jsonschema.validate(values, schema)  # also: no unknown key (additionalProperties false)
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    lab = re.search(r"^lab:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.S | re.M).group()
    assert "--LabApp.app_settings_dir=$(CURDIR)/lab-settings" in lab
