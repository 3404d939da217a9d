"""A time limit on the work on one file, kept in whichever thread the work runs.

In a process's main thread SIGALRM interrupts the work. Signals reach only a main thread,
and a Dask worker runs its tasks in threads of its own: there a timer thread raises the
timeout in the worker's thread through the interpreter's asynchronous exceptions
(`PyThreadState_SetAsyncExc`), as it does wherever SIGALRM is missing. Both interrupt
Python code only: a call into C in progress (a regex match, a native PDF parser) is
interrupted when it returns to Python.
"""

from __future__ import annotations

import _signal
import ctypes
import math
import signal
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

# A limit past a year is none: no file needs one, and setitimer overflows past time_t.
LONGEST_LIMIT = 365 * 24 * 3600.0
# A timeout that lands in a garbage-collector callback or a __del__ is printed as
# "Exception ignored" and lost (Dask's GC diagnostics run one in the worker's thread; the
# alarm can land in any object's __del__): until the work has left, it is raised again
# this often.
REDELIVERY_SECONDS = 0.05


class FileTimeout(BaseException):
    """A file took longer than its time limit. A BaseException, as KeyboardInterrupt is, so
    that no `except Exception` in the code it interrupts (a library's fallback) swallows it."""


def effective_limit(seconds: float) -> float:
    """The limit `seconds` sets: none (infinite) for 0, as setitimer and coreutils' timeout
    read it, and for anything but a positive number of seconds a timer can count down
    (a negative, NaN, infinity), which setitimer rejects for every file alike."""
    return seconds if 0 < seconds <= LONGEST_LIMIT else math.inf


def time_limit(seconds: float) -> AbstractContextManager[None]:
    if effective_limit(seconds) == math.inf:
        return nullcontext()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        return _alarm(seconds)
    return _ThreadTimer(seconds)


def _expire(signum: int, frame: object) -> None:
    raise FileTimeout


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """The alarm rings after `seconds`, and again every REDELIVERY_SECONDS until the work has left.

    The handler is set through `_signal`, which `signal.signal` wraps: the wrapper turns the
    handler it returns into an enum member, and for a function that costs a failed enum
    lookup and its exception: two calls a file, 0.8% of a 10,000-file run's time."""
    previous = _signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, REDELIVERY_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _signal.signal(signal.SIGALRM, previous)


class _ThreadTimer:
    """Raises FileTimeout in the thread that entered it, unless it has left by then, and
    again every REDELIVERY_SECONDS until it leaves, in case a callback swallowed it.

    The exception is delivered at the thread's next bytecode: a timer firing as the work
    ends may leave it pending after the work, so leaving withdraws one not yet delivered.
    The lock makes firing and leaving exclusive, so nothing is raised once it is left."""

    def __init__(self, seconds: float) -> None:
        self._thread = threading.get_ident()
        self._lock = threading.Lock()
        self._left = False
        self._fired = False
        self._timer = self._timer_for(seconds)

    def __enter__(self) -> None:
        self._timer.start()

    def __exit__(self, *failure: object) -> None:
        with self._lock:
            self._left = True
            if self._fired:
                _raise_in(self._thread, None)
            self._timer.cancel()

    def _timer_for(self, seconds: float) -> threading.Timer:
        timer = threading.Timer(seconds, self._expire)
        timer.daemon = True
        return timer

    def _expire(self) -> None:
        with self._lock:
            if not self._left:
                self._fired = True
                _raise_in(self._thread, FileTimeout)
                self._timer = self._timer_for(REDELIVERY_SECONDS)
                self._timer.start()


def _raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """Sets (or, with None, withdraws) the exception the thread raises at its next bytecode."""
    pending = ctypes.py_object(exception) if exception else None  # None is passed as NULL: withdraw
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), pending)
