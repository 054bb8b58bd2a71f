"""One BLAS thread inside the package's own heavy calls, and only there.

Every matrix here is small (tens of rows): BLAS threads only add overhead, and on a busy machine
they make each product several times slower (measured: 7 against 60 ms per training step). The
limit is set when the first decorated call starts and lifted when the last one ends, so the rest
of the user's process keeps its BLAS threads. The limit is the process's, not a thread's: while
calls run in several threads at once, they share it, and the original limit comes back when the
last of them returns (a per-call limit would let one thread restore another's one thread, or
keep it forever).
"""

import functools
import threading

_lock = threading.Lock()
_active = 0  # decorated calls running now, in every thread
_limiter = None  # threadpoolctl's limit while _active > 0
_controller = None


def one_blas_thread(function):
    """Run `function` with BLAS limited to one thread (threadpoolctl), then restore the limit."""

    @functools.wraps(function)
    def limited(*args, **kwargs):
        _enter()
        try:
            return function(*args, **kwargs)
        finally:
            _leave()

    return limited


def _enter():
    global _active, _controller, _limiter
    with _lock:
        if _active == 0:
            if _controller is None:  # found once: the BLAS libraries numpy has loaded
                from threadpoolctl import ThreadpoolController

                _controller = ThreadpoolController()
            _limiter = _controller.limit(limits=1, user_api="blas")
        _active += 1


def _leave():
    global _active, _limiter
    with _lock:
        _active -= 1
        if _active == 0:
            _limiter.restore_original_limits()
            _limiter = None
