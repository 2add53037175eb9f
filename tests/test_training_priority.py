"""Training processes run at a lower CPU priority than the server (``lab.training.jobs
.in_background``): thirty students' trainings must not take the cores from their pages' runs."""

import multiprocessing as mp
import os

import pytest

from lab.training import jobs


def _niceness(queue) -> None:
    jobs.in_background()
    queue.put(os.nice(0))


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no Unix nice here")
def test_a_training_process_is_nicer_than_the_server(monkeypatch):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_niceness, args=(queue,))
    child.start()
    child.join(60)
    assert queue.get(timeout=5) == os.nice(0) + jobs.BACKGROUND_NICE and jobs.BACKGROUND_NICE > 0


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no Unix priorities here")
def test_the_pool_workers_run_nicer_than_the_server():
    from lab.training import pool, store

    workers = pool.Pool(store._mp_context(), 2)
    try:
        assert workers.start(60)
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert [os.getpriority(os.PRIO_PROCESS, h.proc.pid) for h in workers._live()] == [
            mine + jobs.BACKGROUND_NICE] * 2
    finally:
        for h in workers._live():
            h.proc.kill()


@pytest.mark.parametrize("context", ["spawn", "the store's"])
def test_a_training_child_does_not_run_the_servers_page_script(monkeypatch, tmp_path, context):
    """Streamlit runs ``app.py`` as ``__main__``; a child started by the lab must not run it
    again before its target (``pool.start_process``): it costs each worker the whole app's
    imports and first run."""
    import sys
    import types

    from lab.training import pool, store

    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    ctx = mp.get_context("spawn") if context == "spawn" else store._mp_context()
    child = ctx.Process(target=os.getpid)
    pool.start_process(child)
    child.join(60)
    assert child.exitcode == 0 and not marker.exists()


def test_a_worker_whose_server_is_gone_ends_quietly():
    """A worker that finds its pipe closed when it first reports (the server stopped while it
    started) ends with exit code 0, not with a traceback in the server's log."""
    from lab.training import pool

    ctx = mp.get_context("spawn")
    server_end, worker_end = ctx.Pipe()
    worker = ctx.Process(target=pool._worker_main, args=(worker_end,))
    pool.start_process(worker)
    worker_end.close()
    server_end.close()  # before the worker's first "ready": it starts in a fresh interpreter
    worker.join(60)
    assert worker.exitcode == 0
