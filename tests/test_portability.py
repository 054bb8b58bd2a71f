"""The same lesson on every machine: the suite again under other BLAS kernels, and nudged.

A student's laptop rounds matrix products differently from the machine a notebook was saved on
(another CPU, another OpenBLAS kernel, Apple's Accelerate, MKL). Two checks, each in its own
subprocess, each requiring every notebook's checked outputs (`# NBVAL_CHECK_OUTPUT`) to be the
stored ones:

- the kernel matrix: the unit tests and every notebook under each OpenBLAS kernel this CPU can
  execute (`OPENBLAS_CORETYPE`: Prescott, Sandybridge, Haswell, SkylakeX where the CPU has the
  instructions), other than the one this process already runs (the main run is that check);
- the perturbation check: every notebook with the initial weights of every `init_params` call
  multiplied by (1 + 1e-12 * noise) (an IPython startup file, `portability/nudge_startup.py`).
  float32 weights round back to themselves at this size: the kernel matrix covers them.

The subprocesses run two at a time (this machine has two cores).
"""

import concurrent.futures
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STARTUP = Path(__file__).parent / "portability" / "nudge_startup.py"
# OpenBLAS kernel -> the CPU flags it needs (x86-64; every x86-64 CPU runs Prescott's SSE3)
X86_KERNELS = {
    "Prescott": set(),
    "Sandybridge": {"avx"},
    "Haswell": {"avx2", "fma"},
    "SkylakeX": {"avx512f", "avx512bw", "avx512vl", "avx512dq"},
}
ARCHITECTURE = (
    "import numpy, threadpoolctl; "
    "print([i['architecture'] for i in threadpoolctl.threadpool_info() "
    "if i['internal_api'] == 'openblas'][0])"
)
TIMEOUT = 900  # seconds per subprocess


def _cpu_flags():
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def _architecture(env):
    out = subprocess.run(
        [sys.executable, "-c", ARCHITECTURE], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def _kernels():
    """The OpenBLAS kernels this CPU can execute, with the architecture OpenBLAS reports."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return {}
    flags = _cpu_flags()
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    return {
        name: _architecture(env | {"OPENBLAS_CORETYPE": name})
        for name, needs in X86_KERNELS.items()
        if needs <= flags
    }


def _pytest(args, env):
    """Run pytest in a subprocess; once more if a kernel could not bind its port (a race of
    two kernels starting at once, not a result)."""
    command = [sys.executable, "-m", "pytest", *args, "-q", "-p", "no:cacheprovider"]
    for _ in range(2):
        out = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
        text = out.stdout + out.stderr
        if out.returncode == 0 or "Address already in use" not in text:
            break
    return out.returncode, text


KERNELS = _kernels()
HERE = _architecture(dict(os.environ))
# this process runs the suite under its own kernel: the matrix runs the others
OTHER_KERNELS = [name for name, arch in KERNELS.items() if arch != HERE]


@pytest.fixture(scope="session")
def matrix(tmp_path_factory):
    """Run every configuration once, two at a time; {name: (returncode, output)}."""
    base = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    # tests/test_site.py compares the website's stored numbers, computed once by this process's
    # kernel when the site was built, bit for bit with the engine: under another kernel the last
    # bits differ by design, so it runs in the main suite only
    suite = ["tests", "notebooks", "-m", "not browser", "--ignore=tests/test_portability.py",
             "--ignore=tests/test_site.py"]  # fmt: skip
    jobs = {f"kernel {name}": (suite, base | {"OPENBLAS_CORETYPE": name}) for name in OTHER_KERNELS}
    ipython = tmp_path_factory.mktemp("ipython")
    (ipython / "profile_default" / "startup").mkdir(parents=True)
    shutil.copy(STARTUP, ipython / "profile_default" / "startup" / "00-nudge.py")
    log = ipython / "nudged.log"
    env = dict(os.environ) | {"IPYTHONDIR": str(ipython), "RNNVIZ_NUDGE_LOG": str(log)}
    jobs["nudged weights"] = (["notebooks"], env)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_pytest, *job) for name, job in jobs.items()}
        results = {name: f.result() for name, f in futures.items()}
    return {"results": results, "nudge_log": log}


def _report(returncode, text):
    tail = "\n".join(text.strip().splitlines()[-60:])
    return f"exit code {returncode}; the last lines:\n{tail}"


def test_each_kernel_selects_its_own_code():
    """OPENBLAS_CORETYPE takes effect: each kernel reports a different architecture."""
    if platform.machine() in ("x86_64", "AMD64"):
        assert "Prescott" in KERNELS and len(OTHER_KERNELS) >= 1
    assert len(set(KERNELS.values())) == len(KERNELS), KERNELS


@pytest.mark.portability
@pytest.mark.parametrize("name", OTHER_KERNELS)
def test_suite_passes_under_kernel(matrix, name):
    returncode, text = matrix["results"][f"kernel {name}"]
    assert returncode == 0, _report(returncode, text)
    assert " passed" in text and " failed" not in text


@pytest.mark.portability
def test_notebooks_keep_their_checked_outputs_with_nudged_weights(matrix):
    returncode, text = matrix["results"]["nudged weights"]
    assert returncode == 0, _report(returncode, text)
    nudged = matrix["nudge_log"].read_text().split()
    assert "float64" in nudged and len(nudged) >= 50, "the notebooks did not run nudged"
