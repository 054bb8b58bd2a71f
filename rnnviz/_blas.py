"""One BLAS thread inside the package's own heavy calls, and only there.

Every matrix here is small (tens of rows): BLAS threads only add overhead, and on a busy machine
they make each product several times slower (measured: 7 against 60 ms per training step). The
limit is set on entry to a decorated function and lifted on exit, so the rest of the user's
process keeps its BLAS threads.
"""

import functools

_controller = None


def one_blas_thread(function):
    """Run `function` with BLAS limited to one thread (threadpoolctl), then restore the limit."""

    @functools.wraps(function)
    def limited(*args, **kwargs):
        global _controller
        if _controller is None:  # found once: the BLAS libraries numpy has loaded
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
        with _controller.limit(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return limited
