"""Ensembles on Dask: the same bytes as a local run, even when a worker is lost."""

from __future__ import annotations

import os
import signal

import pytest

distributed = pytest.importorskip("distributed")

from sim.ensembles import ensemble_rows, run_ensemble  # noqa: E402
from sim.evaluators import Dask, Serial  # noqa: E402


@pytest.fixture(scope="module")
def small():
    from tests.conftest import build_scenario

    return build_scenario(moves=[{"date": "2020-06-01", "actor": "B", "move": "expel",
                                  "count": 10}])


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        yield cluster


def test_a_dask_cluster_gives_the_bytes_of_a_local_run(small, cluster):
    """Six replications on two Dask workers fold to the rows a serial run gives."""
    serial = list(ensemble_rows(run_ensemble(small, 6, seed=4, evaluator=Serial()), small))
    dask = run_ensemble(small, 6, seed=4, evaluator=Dask(cluster.scheduler_address, chunk=1))
    assert list(ensemble_rows(dask, small)) == serial


def test_a_worker_lost_mid_ensemble_changes_nothing(small, cluster):
    """One of the two workers is killed when 10 of 40 replications are in: Dask runs its
    tasks again elsewhere, and the rows are still the serial run's.
    """
    with distributed.Client(cluster.scheduler_address) as client:
        pids = list(client.run(os.getpid).values())
    done = []

    def kill_at_ten(n: int) -> None:
        done.append(n)
        if len(done) == 10:
            os.kill(pids[0], signal.SIGKILL)

    serial = list(ensemble_rows(run_ensemble(small, 40, seed=8, evaluator=Serial()), small))
    dask = run_ensemble(small, 40, seed=8, evaluator=Dask(cluster.scheduler_address, chunk=1),
                        progress=kill_at_ten)
    assert list(ensemble_rows(dask, small)) == serial
    with distributed.Client(cluster.scheduler_address) as client:
        assert pids[0] not in client.run(os.getpid).values()
