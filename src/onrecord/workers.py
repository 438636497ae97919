"""The analysis of an ingest, in this process or in worker processes, where nothing can hang the run.

Each worker process gets one task (a list of articles) at a time over a pipe and sends back a heartbeat
as it parses each window of text and a result per article. A worker that dies (the kernel's OOM killer)
or goes ``time_limit`` seconds without progress is replaced by a fresh one; the articles of its task it
had not finished are retried one by one, so only the culprit fails, with the reason in its place.

A ``shared`` Analyser keeps its worker processes for many runs from many threads (the web server's uploads):
each caller's chunk is a task, and a slow article holds up no other caller beyond the time limit. SIGTERM
during a run (``stop_on_sigterm``) stops it as Ctrl-C does; a worker whose parent is gone stops quietly.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from onrecord.analyse import analyse_texts
from onrecord.errors import InputError, Terminated, describe
from onrecord.models import Analysis, Segment
from onrecord.nlp import load_nlp

log = logging.getLogger(__name__)
TIME_LIMIT = 120.0  # seconds the analysis may go without progress on one article (the time_limit setting)
START_FAILURES = 3  # workers in a row that die before their model is loaded: stop starting them
AUTO_BYTES = 1_000_000  # inputs this large (~200 articles) start worker processes in "auto" mode
SHARED_TURN = 0.05  # seconds one caller of a shared analyser reads the workers before letting another submit

Items = list[tuple[str, list[Segment]]]


@dataclass
class Failed:
    """An article the analysis could not finish, and why, in words for the ingest report."""

    reason: str


def failed(exc: BaseException) -> Failed:
    """The failure of an article whose analysis raised ``exc`` (a bug in a rule)."""
    return Failed(f"the analysis failed ({describe(exc)}); not stored, re-run the ingest to retry")


def timed_out(limit: float) -> Failed:
    return Failed(f"the analysis timed out after {limit:g} s on this article; not stored, re-run to retry "
                  "(or raise the time limit)")


def died(exitcode: int | None) -> Failed:
    how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"
    return Failed(f"the analysis worker died ({how}) on this article; not stored, re-run to retry")


class _TimedOut(BaseException):
    """Raised by the alarm in this process; a BaseException so that no ``except Exception`` swallows it."""


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into Terminated while the block runs (main thread only, and only where SIGTERM has its
    default action, so a host application's own handler is left alone); a second SIGTERM while stopping is
    ignored, the first is already being acted on."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    got: list[bool] = []

    def term(_sig: int, _frame: Any) -> None:
        if not got:
            got.append(True)
            raise Terminated()

    signal.signal(signal.SIGTERM, term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


class _ParentGone(BaseException):
    """The parent process closed the pipe (it was killed): the worker stops quietly, with no traceback."""


class _Task:
    """Articles analysed together, and their results (None while pending). A retry of one article of a
    larger task writes its result into that task (``parent``, ``index``)."""

    def __init__(self, owner: Analyser, items: Items, parent: _Task | None = None, index: int = 0) -> None:
        self.owner, self.items, self.parent, self.index = owner, items, parent, index
        self.results: list[Analysis | Failed | None] = [None] * len(items)
        self.got = 0  # results received from the worker, in order

    @property
    def complete(self) -> bool:
        return all(r is not None for r in self.results)

    def settle(self, i: int, result: Analysis | Failed) -> None:
        self.results[i] = result
        if self.parent is not None:
            self.parent.results[self.index] = result


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    ready: bool = False
    task: _Task | None = None
    last: float = 0.0  # when it last showed progress (or got its task)


def _worker_main(conn: Connection, selective: bool) -> None:
    """A worker process: load the model, then analyse each task received on ``conn`` until None comes, or
    until the parent is gone (then quietly: no broken-pipe traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers

    def send(msg: tuple[Any, ...]) -> None:
        try:
            conn.send(msg)
        except OSError as exc:  # a broken pipe: the parent was killed
            raise _ParentGone() from exc

    try:
        try:
            nlp = load_nlp()
        except Exception as exc:  # the parent reports it instead of restarting workers forever
            send(("fatal", describe(exc)))
            return
        send(("ready",))
        while True:
            try:
                items = conn.recv()
            except (EOFError, OSError):
                return
            if items is None:
                return
            try:
                for n, analysis in enumerate(analyse_texts(nlp, items, selective=selective,
                                                           progress=lambda: send(("tick",)))):
                    send(("done", n, analysis))
            except Exception as exc:  # a bug in a rule: the parent retries the articles alone
                send(("error", describe(exc)))
    except _ParentGone:
        return


class Analyser:
    """Analyses chunks of articles in this process, or in ``workers`` processes that run while the caller
    stores earlier results (``submit`` returns at once; ``result`` gives a chunk's results, an Analysis or
    a Failed per article). ``time_limit``: seconds without progress on an article before it fails.

    ``shared``: always in worker processes (the time limit holds off the main thread too), kept until
    ``close`` for any number of runs, from any number of threads at once."""

    def __init__(self, workers: int = 1, selective: bool = False, time_limit: float | None = None,
                 shared: bool = False) -> None:
        self.workers = max(1, workers)
        self.selective = selective  # parse only the sentences that can carry an attribution (plan.py)
        self.time_limit = TIME_LIMIT if time_limit is None else time_limit
        self.shared = shared
        self._lock = threading.RLock()  # a shared analyser's state is changed by one caller at a time
        self._nlp: Any = None
        self._procs: list[_Worker] = []
        self._pending: deque[_Task] = deque()
        self._start_failures = 0
        self._broken: Failed | None = None  # workers cannot start: every article fails with this
        self._armed = False

    @property
    def in_process(self) -> bool:
        """Whether the analysis runs in this process (one worker, not shared) rather than in worker processes."""
        return self.workers == 1 and not self.shared

    @property
    def depth(self) -> int:
        """Chunks to keep in flight: two per worker, so none waits while the caller writes."""
        return 2 * self.workers if self.workers > 1 else 0

    def submit(self, items: Items) -> Any:
        """Start analysing; a handle for ``result`` (with no workers, the results themselves)."""
        if self.in_process:
            return self._here(items)
        task = _Task(self, items)
        with self._lock:
            self._pending.append(task)
            self._pump(0)
        return task

    @staticmethod
    def result(handle: Any) -> list[Analysis | Failed]:
        """The results of a ``submit``, waiting for the workers as long as they make progress. Callers of a
        shared analyser take turns at reading the workers, each turn short, so that a new task is handed to an
        idle worker at once rather than after a slow article's time limit."""
        if isinstance(handle, list):
            return handle
        task: _Task = handle
        owner = task.owner
        while not task.complete:
            with owner._lock:
                if not task.complete:
                    owner._pump(SHARED_TURN if owner.shared else None)
            if owner.shared:
                time.sleep(0.001)  # the lock is not fair: let a caller waiting for it have its turn
        return task.results  # type: ignore[return-value]

    def run(self, items: Items) -> list[Analysis | Failed]:
        """Analyse now and return the results (split among the workers when there are any). In this
        process an exception in the analysis propagates; in workers it fails its article."""
        if not self.in_process:
            size = max(1, -(-len(items) // self.workers))
            tasks = [self.submit(items[i:i + size]) for i in range(0, len(items), size)]
            return [a for t in tasks for a in self.result(t)]
        if self._nlp is None:
            self._nlp = load_nlp()
        return list(analyse_texts(self._nlp, items, selective=self.selective, progress=self._rearm))

    # -- in this process --------------------------------------------------------------------------------
    def _here(self, items: Items) -> list[Analysis | Failed]:
        """``run`` in this process; a chunk that fails is analysed again one article at a time."""
        if self._nlp is None:
            self._nlp = load_nlp()  # before the alarm: loading the model is not analysing an article
        try:
            with self._alarm():
                return self.run(items)
        except _TimedOut:
            if len(items) == 1:
                return [timed_out(self.time_limit)]
        except Exception as exc:  # a bug in a rule fails its article only
            log.exception("the analysis failed on %d article(s)", len(items))
            if len(items) == 1:
                return [failed(exc)]
        return [self._here([item])[0] for item in items]

    @contextmanager
    def _alarm(self) -> Iterator[None]:
        """Raise _TimedOut when the analysis makes no progress for ``time_limit`` seconds (main thread only:
        elsewhere signals cannot interrupt it, and it runs unlimited)."""
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            yield
            return

        def ring(_sig: int, _frame: Any) -> None:
            raise _TimedOut()

        before = signal.signal(signal.SIGALRM, ring)
        started = time.monotonic()
        theirs, _interval = signal.setitimer(signal.ITIMER_REAL, self.time_limit)
        self._armed = True
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self._armed = False
            signal.signal(signal.SIGALRM, before)
            if theirs:  # the caller's own alarm goes on, less the time spent here
                signal.setitimer(signal.ITIMER_REAL, max(0.001, theirs - (time.monotonic() - started)))

    def _rearm(self) -> None:
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, self.time_limit)

    # -- worker processes ---------------------------------------------------------------------------------
    def _start(self) -> None:
        # a worker inherits this environment: one BLAS thread each, set before its imports load numpy (load_nlp
        # sets it too late there), or two workers' thread pools fight over the cores (9 -> 13 articles/s on 2)
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        ctx = mp.get_context("spawn")
        ours, theirs = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(theirs, self.selective), daemon=True,
                           name="onrecord-analysis")
        proc.start()
        theirs.close()
        self._procs.append(_Worker(proc, ours))

    def _dispatch(self) -> None:
        """Start missing workers and give each ready, idle one the next pending task."""
        if self._broken is not None:
            while self._pending:
                task = self._pending.popleft()
                for i, r in enumerate(task.results):
                    if r is None:
                        task.settle(i, self._broken)
            return
        while (self._pending or self.shared) and len(self._procs) < self.workers:
            self._start()  # a shared analyser keeps every worker started: a task never waits for a model to load
        for w in list(self._procs):
            if w.ready and w.task is None and self._pending:
                task = self._pending.popleft()
                try:
                    w.conn.send(task.items)
                except OSError:  # it died meanwhile: the task waits for the next worker
                    self._pending.appendleft(task)
                    self._lost(w, died(self._exitcode(w)))
                    continue
                w.task, task.got, w.last = task, 0, time.monotonic()

    def _pump(self, timeout: float | None) -> None:
        """Hand out tasks, then take in what the workers sent (waiting up to ``timeout`` seconds, None: until
        something happens), replacing any worker that died or stopped making progress."""
        self._dispatch()
        busy = [w for w in self._procs if w.task is not None or not w.ready]
        if not busy:
            return
        now = time.monotonic()
        limits = [max(0.0, w.last + self.time_limit - now) for w in busy if w.task is not None]
        if timeout is not None:
            limits.append(timeout)
        wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], min(limits) if limits else None)
        for w in busy:
            if not self._receive(w) or not w.proc.is_alive():
                self._lost(w, died(self._exitcode(w)))
            elif w.task is not None and time.monotonic() - w.last > self.time_limit:
                log.warning("an analysis worker made no progress for %g s: stopping it", self.time_limit)
                self._lost(w, timed_out(self.time_limit))
        self._dispatch()

    def _receive(self, w: _Worker) -> bool:
        """Read every message waiting from ``w``; False when it is gone."""
        try:
            while w.conn.poll():
                msg = w.conn.recv()
                w.last = time.monotonic()
                if msg[0] == "ready":
                    w.ready = True
                    self._start_failures = 0
                elif msg[0] == "fatal":
                    self._broken = Failed(f"the analysis workers cannot start ({msg[1]}); not stored")
                    return False
                elif msg[0] == "done" and w.task is not None:
                    w.task.settle(msg[1], msg[2])
                    w.task.got = msg[1] + 1
                    if w.task.got == len(w.task.items):
                        w.task = None
                elif msg[0] == "error" and w.task is not None:
                    self._retry(w.task, Failed(f"the analysis failed ({msg[1]}); not stored, re-run the ingest "
                                               "to retry"))
                    w.task = None
        except (EOFError, OSError):
            return False
        return True

    def _exitcode(self, w: _Worker) -> int | None:
        w.proc.join(5)
        return w.proc.exitcode

    def _lost(self, w: _Worker, why: Failed) -> None:
        """Stop worker ``w`` and retry (or fail) the articles of its task it had not finished."""
        self._receive(w)  # what it sent before it went
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join()
        w.conn.close()
        self._procs.remove(w)
        if not w.ready:
            self._start_failures += 1
            if self._start_failures >= START_FAILURES and self._broken is None:
                self._broken = Failed(f"the analysis workers die as they start ({why.reason}); not stored")
        if w.task is not None:
            self._retry(w.task, why)

    def _retry(self, task: _Task, why: Failed) -> None:
        """The unfinished articles of a failed task: each analysed again alone, or failed with ``why``
        when the task held only that one."""
        rest = [i for i, r in enumerate(task.results) if r is None]
        if len(task.items) == 1:
            for i in rest:
                task.settle(i, why)
            return
        for i in reversed(rest):
            self._pending.appendleft(_Task(self, [task.items[i]], task, i))

    def close(self) -> None:
        """Stop the workers once they finish their current task. A shared analyser takes no more work: an
        article still waiting fails, so that no caller waits for it forever."""
        with self._lock:
            unfinished = [w.task for w in self._procs if w.task is not None]
            self._close()
            if self.shared:
                self._broken = Failed("the analysis workers were stopped (the server is shutting down); not stored")
                for task in unfinished:
                    self._retry(task, self._broken)
                self._dispatch()

    def _close(self) -> None:
        for w in self._procs:
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in self._procs:
            w.proc.join(10)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join()
            w.conn.close()
        self._procs = []

    def terminate(self) -> None:
        """Stop the workers now (the run was interrupted)."""
        with self._lock:
            for w in self._procs:
                w.proc.kill()
                w.proc.join()
                w.conn.close()
            self._procs = []
            self._pending.clear()


def auto_workers(inputs: list[Any]) -> int:
    """Both cores (at most 2 workers) once the input is large enough to repay starting the processes."""
    size = 0
    for item in inputs:
        if isinstance(item, InputError):
            continue
        try:
            size += AUTO_BYTES if item.path == "-" else os.path.getsize(item.path)  # stdin: assume large
        except OSError:
            continue
    return min(2, os.cpu_count() or 1) if size >= AUTO_BYTES else 1

