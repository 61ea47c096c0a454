"""Calls run in a fresh Python process, which imports only what they need.

The print edition joins its parts in a process of its own (parts.py: the join holds a
thousand pages' objects at once, which a worker that laid chapters out would add to the
memory it keeps), and a rebuild lays its edited chapter out and joins the book in one
started before the book is loaded (workers.Workers: one process, where a fork pool would
start all its workers at once). multiprocessing's "spawn" and "forkserver" starts would
give such a process, but they run the caller's main script again in it first: a script
that builds the book without an `if __name__ == "__main__":` guard would start another
build there, and the build died with BrokenProcessPool. This process runs this module's
`_serve` instead and nothing else; each call and its answer go through its stdin and
stdout, pickled.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import importlib
import os
import pickle
import subprocess
import sys
import traceback
from collections.abc import Callable
from typing import Any, BinaryIO, NoReturn

# Run by the fresh interpreter: sys.path as the caller's (so that the call's function and
# arguments unpickle as they pickled), then this module's server.
_BOOTSTRAP = ("import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
              "from bookbuild.editions.fresh import _serve; _serve()")


class FreshProcess:
    """A Python process started now, importing `warm_up` while the caller works on (each
    entry a module, or `module:function`, a function to call too, without arguments):
    `call(function, *args, **kwargs)` runs a call there and returns its result (or raises
    its exception), as many calls as asked, one after the other; `close()` ends it."""

    def __init__(self, warm_up: tuple[str, ...] = ()) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _BOOTSTRAP, *warm_up],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._send(sys.path)
        self._sent = 0  # calls sent so far
        self._unread: tuple[int, str] | None = None  # the call whose answer is in the pipe
        self._answers: dict[int, tuple[bool, Any, str]] = {}  # read, not yet asked for

    def call(self, function: Callable, *args: Any, **kwargs: Any) -> Any:
        return self.submit(function, *args, **kwargs)()

    def submit(self, function: Callable, *args: Any, **kwargs: Any) -> Callable[[], Any]:
        """Send a call now, and return the function that waits for its result (or raises
        its exception), so that the caller works on meanwhile. One answer at a time is
        left in the pipe: a call sent while another's answer is unread reads that answer
        first (a large call and a large answer, each filling its pipe, would stop both
        processes)."""
        self._read_unread()
        self._send((function, args, kwargs))
        self._sent += 1
        self._unread = (self._sent, function.__name__)
        return functools.partial(self._result, self._sent)

    def _result(self, ticket: int) -> Any:
        if ticket not in self._answers:
            self._read_unread()
        failed, answer, trace = self._answers.pop(ticket)
        if failed:
            if trace:  # else the process ended without an answer: no trace to add
                answer.add_note(f"raised in a fresh process:\n{trace}")
            raise answer
        return answer

    def _read_unread(self) -> None:
        if self._unread is None:
            return
        ticket, name = self._unread
        self._unread = None
        assert self.process.stdout is not None
        try:
            self._answers[ticket] = pickle.load(self.process.stdout)
        except EOFError:
            status = self.process.wait()
            self._answers[ticket] = (True, ChildProcessError(
                f"the process that ran {name} ended without an answer (exit status "
                f"{status})"), "")

    def close(self, *, kill: bool = False) -> None:
        """End the process: at the end of its input, or at once (`kill`: a build that
        failed does not wait for its imports)."""
        if kill:
            self.process.kill()
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()  # end of input: it exits
        self.process.wait()

    def _send(self, value: object) -> None:
        assert self.process.stdin is not None
        pickle.dump(value, self.process.stdin)
        self.process.stdin.flush()


def _serve() -> None:
    """In the fresh process: import the warm-up modules, then run each call sent, until
    the input ends."""
    answers: BinaryIO = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what a call prints: to stderr
    for entry in sys.argv[1:]:  # "module", or "module:function" to call as well
        module, _, function = entry.partition(":")
        imported = importlib.import_module(module)
        if function:  # a failure here: the first call meets it again, and says so
            with contextlib.suppress(Exception):
                getattr(imported, function)()
    while True:
        try:
            function, args, kwargs = pickle.load(sys.stdin.buffer)
        except EOFError:
            _exit_now(answers)
        answers.write(_answer(function, args, kwargs))
        answers.flush()


def _exit_now(answers: BinaryIO) -> NoReturn:
    """End this process at the end of its input: its exit functions run (multiprocessing's
    finalizers among them, which close a Vivliostyle chromium), then `os._exit`, past the
    interpreter's teardown of every object the calls left (a joined book's pages: 0.15 s
    of the caller's wait)."""
    answers.close()
    sys.stdout.flush()
    sys.stderr.flush()
    atexit._run_exitfuncs()
    os._exit(0)


def _answer(function: Callable, args: tuple, kwargs: dict) -> bytes:
    """The pickled (failed, result or exception, traceback) of one call."""
    try:
        answer = (False, function(*args, **kwargs), "")
    except Exception as failure:  # handed to the caller, who raises it
        answer = (True, failure, traceback.format_exc())
    try:
        return pickle.dumps(answer)
    except Exception:  # a result or an exception that does not pickle: its text instead
        return pickle.dumps((True, ChildProcessError(answer[2] or repr(answer[1])), ""))
