"""Where replications run: in this process, in local worker processes, or on Dask.

Every evaluator takes the same work (what one replication computes from its seed) and
tasks, ``(index, SeedSequence)`` pairs, and yields their results in index order,
whatever order its workers finish in; so an ensemble's bytes do
not depend on the evaluator or on the number of workers (as in the EMA workbench, one
call, interchangeable evaluators). Tasks travel in chunks, so a replication of a tenth of
a second is not swamped by messages; at most a few chunks per worker are in flight, so
the results waiting for an earlier one stay few.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

import numpy as np

from sim.ensembles import Work, replicate_chunk
from sim.errors import ParityUserError

#: A task: its index, and what the work is given (a seed, or a point and a seed).
Task = tuple[int, Any]
Result = tuple[int, np.ndarray]

#: Worker processes of the evaluators running now, stopped at once on Ctrl-C.
_RUNNING: set[ProcessPoolExecutor] = set()


class Evaluator(Protocol):
    """Runs replications and yields ``(index, values)`` in index order."""

    def ordered(self, work: Work, tasks: list[Task]) -> Iterator[Result]:
        """``work`` on each task's seed, in the order of the tasks' indices."""


class Serial:
    """Every replication in this process, one after the other."""

    def ordered(self, work: Work, tasks: list[Task]) -> Iterator[Result]:
        for index, seed in tasks:
            yield index, work(seed)


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the system says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def chunk_size(tasks: list[Task], workers: int) -> int:
    """Tasks per chunk: about four chunks a worker, at most 20 tasks each."""
    return max(1, min(20, len(tasks) // (4 * workers) or 1))


def chunks(tasks: list[Task], size: int) -> list[list[Task]]:
    """The tasks in consecutive chunks of ``size``."""
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops them all and cleans up; a forked
    worker drops the handlers it inherited (they belong to the command's output).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Processes:
    """Replications in ``workers`` local processes: forked where the system can (they
    start at once, and work from a notebook or a script read from stdin), else spawned.
    """

    def __init__(self, workers: int | None = None, chunk: int | None = None):
        self.workers = max(1, workers or available_cores())
        self.chunk = chunk

    def ordered(self, work: Work, tasks: list[Task]) -> Iterator[Result]:
        import multiprocessing

        size = self.chunk or chunk_size(tasks, self.workers)
        pending = iter(chunks(tasks, size))
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_quiet_worker)
        _RUNNING.add(pool)
        try:
            yield from _in_order(pending, lambda c: pool.submit(replicate_chunk, work, c),
                                 window=2 * self.workers)
        finally:
            _RUNNING.discard(pool)
            pool.shutdown(wait=True, cancel_futures=True)


def _first_done(futures: set[Any]) -> tuple[set[Any], set[Any]]:
    """Local futures: those done (at least one), and the rest."""
    done, rest = wait(futures, return_when=FIRST_COMPLETED)
    return set(done), set(rest)


def _in_order(pending: Iterator[list[Task]], submit: Any, window: int,
              first_done: Any = _first_done) -> Iterator[Result]:
    """Submit chunks ``window`` at a time; yield results in task order as they complete.

    ``first_done`` waits for at least one of the futures in flight (local futures by
    default; Dask's have their own ``wait``).
    """
    in_flight: set[Future[list[Result]]] = set()
    ready: dict[int, np.ndarray] = {}
    expected: list[int] = []
    for _ in range(window):
        chunk = next(pending, None)
        if chunk is None:
            break
        expected += [index for index, _ in chunk]
        in_flight.add(submit(chunk))
    position = 0
    while in_flight:
        done, in_flight = first_done(in_flight)
        for future in done:
            ready.update(future.result())
            chunk = next(pending, None)
            if chunk is not None:
                expected += [index for index, _ in chunk]
                in_flight.add(submit(chunk))
        while position < len(expected) and expected[position] in ready:
            index = expected[position]
            yield index, ready.pop(index)
            position += 1


class Dask:
    """Replications on a Dask cluster (``pip install -e '.[cluster]'``): ``scheduler`` is
    its address (``tcp://host:8786``), or ``local`` to start a cluster of ``workers``
    processes here. A worker lost mid-ensemble has its tasks run again elsewhere (they are
    submitted as impure, so Dask recomputes rather than reuses them), and results are
    still folded in replication order: the bytes are those of a local run.
    """

    def __init__(self, scheduler: str, workers: int | None = None, chunk: int | None = None):
        self.scheduler, self.workers, self.chunk = scheduler, workers, chunk

    def ordered(self, work: Work, tasks: list[Task]) -> Iterator[Result]:
        try:
            from distributed import Client, LocalCluster
            from distributed import wait as dask_wait
        except ImportError as exc:
            raise ParityUserError("--scheduler needs Dask: pip install -e '.[cluster]'") from exc

        def first_done(futures: set[Any]) -> tuple[set[Any], set[Any]]:
            done, rest = dask_wait(list(futures), return_when="FIRST_COMPLETED")
            return set(done), set(rest)

        cluster = (LocalCluster(n_workers=self.workers or available_cores(),
                                threads_per_worker=1, processes=True, dashboard_address=None)
                   if self.scheduler == "local" else None)
        try:
            client = Client(cluster if cluster is not None else self.scheduler, timeout=10)
        except (OSError, ValueError) as exc:
            if cluster is not None:
                cluster.close()
            why = "cannot reach it" if isinstance(exc, OSError) else "not an address"
            raise ParityUserError(f"--scheduler {self.scheduler}: {why} ({exc}; allowed: "
                                  "tcp://HOST:PORT or local)") from exc
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = self.chunk or chunk_size(tasks, workers)
        try:
            yield from _in_order(
                iter(chunks(tasks, size)),
                lambda c: client.submit(replicate_chunk, work, c, pure=False),
                window=2 * workers, first_done=first_done)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def evaluator_for(workers: int | None, scheduler: str | None) -> Evaluator:
    """The evaluator the command line asks for: Dask with ``--scheduler``, else local
    processes, or this process alone with one worker.
    """
    if scheduler is not None:
        return Dask(scheduler, workers)
    if (workers or available_cores()) == 1:
        return Serial()
    return Processes(workers)


def stop_all() -> None:
    """Kill the worker processes of every evaluator running now (Ctrl-C)."""
    for pool in list(_RUNNING):
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
