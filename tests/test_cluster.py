"""One training per key for every process of a class: two processes behind one Redis (as
``deploy.serve`` runs them) asked for the same new setting train it once; the other shows
that training's progress and loads its result from the shared cache folder."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT
from tests.test_room import redis_url  # noqa: F401 (a fixture: a redis-server of the test's own)

CHILD = r"""
import json, os, sys, time
from dataclasses import dataclass
import numpy as np
from lab.training.stored import Stored

@dataclass
class Toy(Stored, prefix="toy"):
    history: dict
    w: np.ndarray

STORE = Toy.store("toy_models", 4)
seen = []

def train(job):
    with open(os.environ["TRAINED_LOG"], "a") as f:
        f.write(f"{os.getpid()}\n")
    for epoch in range(8):
        time.sleep(0.25)
        job.on_batch(epoch, 1, 1)
        job.on_epoch(epoch, {"loss": 1.0 / (epoch + 1)})
    return Toy({"loss": [1.0]}, np.arange(3.0))

asked = STORE.request("a setting new to the class", train, 8)
while not isinstance(asked, Toy) and not asked.wait(0.3):
    seen.append(asked.snapshot().epoch)
result = asked if isinstance(asked, Toy) else asked.result
print(json.dumps({"w": result.w.tolist(), "progress": max(seen, default=0)}))
"""


def test_two_processes_asked_for_one_new_setting_train_it_once(redis_url, tmp_path):  # noqa: F811
    log = tmp_path / "trained.log"
    env = dict(os.environ, LAB_REDIS_URL=redis_url, LAB_CACHE_DIR=str(tmp_path / "cache"),
               TRAINED_LOG=str(log), LAB_TRAIN_PROCESSES="0")
    procs = [subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]
    assert len(log.read_text().split()) == 1  # one training for both processes
    assert [r["w"] for r in results] == [[0.0, 1.0, 2.0]] * 2
    assert max(r["progress"] for r in results) >= 2  # each showed the training's epochs
