"""Run the live views' own modules (rnnviz/widgets/static/*.js) in node on numbers the engine
computed: what a view shows for a setting is what its module derives, and nothing else."""

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

DERIVE = Path(__file__).with_name("js") / "derive.mjs"


def node():
    path = shutil.which("node")
    if path is None:
        pytest.fail("node is needed to run the views' modules (`make test` installs it via npm)")
    return path


def _json(value):
    if isinstance(value, bytes):
        return {"f64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def derive(kind, results, **extra):
    """What the module of `kind` ("explorer", "clipping", "heatmap", "cells") derives from each
    of `results` (as the kernel sends them): a list of {title, readouts, figure, ...}."""
    payload = json.dumps({"kind": kind, "results": [_json(r) for r in results], **extra})
    done = subprocess.run(
        [node(), str(DERIVE)], input=payload, capture_output=True, text=True, timeout=120
    )
    if done.returncode:
        raise RuntimeError(f"node failed:\n{done.stderr}")
    return json.loads(done.stdout)
