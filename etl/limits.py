"""Per-file limits for untrusted input: a size cap applied while reading, and a time limit.

Every file in a corpus is untrusted: a 200 MB file, a named pipe or a file that makes a parser
run for ever must cost one rejects row, not the build. Two mechanisms, both small:

- `read_capped(path, max_bytes)` reads a regular file, refusing it *before* reading when its
  size is over the limit (and stopping at the limit should it grow meanwhile). Named pipes,
  devices and folders are refused without being opened for a blocking read.
  `sha256_file(path, max_bytes)` hashes with the same checks, in 1 MiB chunks.
- `time_limit(seconds)` (a context manager) and `run_with_time_limit(fn, seconds)` raise
  `TimeLimitExceeded` (a `Rejected`, so the build turns it into a rejects row) when the work
  inside takes longer than `seconds` of wall-clock time.

How the time limit works, and where: `signal.setitimer(ITIMER_REAL)` delivers SIGALRM to the
process, and Python runs the handler (which raises) in the **main thread**, between bytecodes.
So the limit applies only when `time_limit` is entered in the main thread of a process; that is
where `etl build` runs its serial loop and where `ProcessPoolExecutor` workers run their tasks.
Elsewhere (another thread, a platform without SIGALRM) the work runs without a limit;
`time_limit_available()` says which. Python code, `time.sleep`, blocking reads and the `re`
module are interrupted; a single long call into C code (lxml) is interrupted when it returns,
which libxml2's own limits (depth, entity amplification) keep short. The handler raises an
internal BaseException (a parser's `except Exception` cannot swallow it), turned into
TimeLimitExceeded when the `with` block ends; past the deadline the alarm repeats every `REPEAT`
seconds, so even a bare `except:` that swallows one alarm is stopped by the next. An outer timer
(e.g. pytest-timeout's, or an outer `time_limit`) that expires first is left to govern; one that
expires later is saved and restored.
"""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType
from typing import TypeVar

from etl.errors import Rejected

MAX_FILE_BYTES = 64 * 1024 * 1024  # no report comes near this; a bigger file is not one
MAX_FILE_SECONDS = 60.0  # a report parses in well under a second; 5 MB of text in about 2 s
REPEAT = 0.25  # seconds between alarms once the deadline has passed
CHUNK = 1 << 20

T = TypeVar("T")


class TimeLimitExceeded(Rejected):
    """The work on one file took longer than its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"took longer than {seconds:g} s to parse (the per-file time limit); skipped"
        )
        self.seconds = seconds

    def __reduce__(self) -> tuple[type[TimeLimitExceeded], tuple[float]]:
        """Pickle by the limit (so it crosses from a pool worker intact)."""
        return (type(self), (self.seconds,))


def too_large(size: int, max_bytes: int) -> Rejected:
    """The Rejected for a file over the size limit (sizes in MB, for a person)."""
    return Rejected(
        f"file too large ({size // 1_000_000} MB; the limit is {max_bytes // 1_000_000} MB)"
    )


def _open_regular(path: Path, max_bytes: int) -> tuple[int, int]:
    """Open a regular file for reading without blocking; (fd, size). Rejected if unfit."""
    # O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer for ever.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = (
                "a named pipe"
                if stat.S_ISFIFO(st.st_mode)
                else "a folder"
                if stat.S_ISDIR(st.st_mode)
                else "a device or socket"
            )
            raise Rejected(f"not a regular file ({kind}); not read")
        if st.st_size > max_bytes:
            raise too_large(st.st_size, max_bytes)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def read_capped(path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; Rejected before reading if bigger.

    OSError (missing, unreadable) is left to the caller, which knows how to word it.
    """
    fd, size = _open_regular(Path(path), max_bytes)
    with os.fdopen(fd, "rb") as fh:
        # read(n) allocates n bytes up front: ask for the size (+1 to notice a file that grew)
        data = fh.read(size + 1)
        if len(data) > size:
            data += fh.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise too_large(len(data), max_bytes)
    return data


def sha256_file(path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> str:
    """Hex SHA-256 of a regular file, read in chunks; Rejected as read_capped would be."""
    fd, _ = _open_regular(Path(path), max_bytes)
    h = hashlib.sha256()
    read = 0
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(CHUNK):
            read += len(chunk)
            if read > max_bytes:
                raise too_large(read, max_bytes)
            h.update(chunk)
    return h.hexdigest()


def time_limit_available() -> bool:
    """Whether `time_limit` can enforce a limit here (main thread, SIGALRM and setitimer)."""
    return (
        hasattr(signal, "SIGALRM")
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )


class _Alarm(BaseException):
    """Raised by the SIGALRM handler: a BaseException, so `except Exception` cannot swallow it."""


class TimeLimit:
    """Context manager behind `time_limit`: arms ITIMER_REAL on entry, disarms on exit."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.armed = False
        self._old_handler: Callable[[int, FrameType | None], object] | int | None = None
        self._old_timer = (0.0, 0.0)
        self._started = 0.0

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        # Not in __enter__/__exit__ themselves: an alarm there must not escape the `with`.
        # (Once past the deadline the alarm repeats, so the block still gets its exception.)
        if not self.armed or (frame is not None and frame.f_code in _OWN_CODE):
            return
        raise _Alarm

    def __enter__(self) -> TimeLimit:
        if self.seconds is None or self.seconds <= 0 or not time_limit_available():
            return self
        pending = signal.getitimer(signal.ITIMER_REAL)[0]
        if 0 < pending <= self.seconds:
            return self  # an outer timer expires first: it governs, untouched
        self._started = time.monotonic()
        self._old_handler = signal.signal(signal.SIGALRM, self._on_alarm)
        self.armed = True
        self._old_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds, REPEAT)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.armed:
            return
        self.armed = False  # first: from here on the handler does nothing
        signal.setitimer(signal.ITIMER_REAL, 0)
        old = self._old_handler
        signal.signal(signal.SIGALRM, signal.SIG_DFL if old is None else old)
        old_delay, old_interval = self._old_timer
        if old_delay > 0:  # give an outer timer back what is left of it (at least a tick)
            left = max(old_delay - (time.monotonic() - self._started), 0.001)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)
        if isinstance(exc, _Alarm):
            raise TimeLimitExceeded(self.seconds or 0) from None


_OWN_CODE = (TimeLimit.__enter__.__code__, TimeLimit.__exit__.__code__)


def time_limit(seconds: float | None) -> TimeLimit:
    """A `with` block that raises TimeLimitExceeded once `seconds` have passed (main thread).

    `None` or a value <= 0 means no limit; so does a use outside the main thread (see module).
    """
    return TimeLimit(seconds)


def run_with_time_limit(fn: Callable[..., T], seconds: float | None, *args: object) -> T:
    """`fn(*args)`, raising TimeLimitExceeded if it takes longer than `seconds` (see module)."""
    with time_limit(seconds):
        return fn(*args)
