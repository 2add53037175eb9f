"""Offline after ``lab.prepare``, proven from disk: the machine is prepared in this process, then
a NEW Python process (a classroom server restarted the next morning) opens every page in both
languages with the network blocked, and must find everything it needs in the cache folder and
Keras's home: no page trains, none shows an error, and the one online source says it is off.
"""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, link_params
from tests.test_classroom import prepared_offline  # noqa: F401  (the prepared machine)

# The restarted process. Its own network guard: a connection to any address but loopback
# raises (and is counted), and so does a name look-up of any other host; libraries with their
# own sockets (yfinance's curl) are sent to a proxy on a closed loopback port. The Keras loader
# reads the reference subset, as on the prepared machine (tests/conftest.py keras_imdb_prepared).
CHILD = r'''
import ipaddress, json, socket, sys

refused = []

def loopback(host):
    host = str(host).strip("[]").split("%", 1)[0]
    if host in ("localhost", "") or host == "None":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

connect, getaddrinfo = socket.socket.connect, socket.getaddrinfo

def guarded_connect(self, address):
    if isinstance(address, tuple) and not loopback(address[0]):
        refused.append(str(address[0]))
        raise OSError(f"network is off in the restarted process ({address[0]})")
    return connect(self, address)

def guarded_getaddrinfo(host, *args, **kwargs):
    if not loopback(host):
        refused.append(str(host))
        raise OSError(f"network is off in the restarted process ({host})")
    return getaddrinfo(host, *args, **kwargs)

socket.socket.connect, socket.getaddrinfo = guarded_connect, guarded_getaddrinfo
try:
    socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: must be refused
    guarded = False
except OSError:
    guarded = refused == ["192.0.2.1"]

import keras
import numpy as np
from lab.data import imdb
from lab.training import store
from lab.training.jobs import Job

subset, links = sys.argv[1], json.loads(sys.argv[3])

def load_data(num_words=None, skip_top=0, **_):
    data = imdb.load_npz(subset, num_words or 10**9, skip_top)
    as_array = lambda xs: np.array([np.array(x) for x in xs], dtype=object)
    return ((as_array(data.x_train), data.y_train), (as_array(data.x_test), data.y_test))
keras.datasets.imdb.load_data = load_data

trained = []
request = store.Store.request

def recorded(self, key, *args, **kwargs):
    found = request(self, key, *args, **kwargs)
    if isinstance(found, Job):
        trained.append(key)
    return found
store.Store.request = recorded

from streamlit.testing.v1 import AppTest
from ui.catalog import LESSONS

pages = []
for page in [None] + [lesson.script for lesson in LESSONS]:
    for lang in ("en", "ko"):
        at = AppTest.from_file(sys.argv[2], default_timeout=180)
        at.query_params.update(links[lang])
        if page:
            at.switch_page(page)
        at.run()
        pages.append({"page": page, "lang": lang,
                      "exceptions": [e.message for e in at.exception],
                      "errors": [e.value for e in at.error],
                      "threshold": [w.value for w in at.slider if w.key == "im_thr"],
                      "text": " ".join(e.value for e in [*at.caption, *at.markdown])[:20000]})
at = AppTest.from_file(sys.argv[2], default_timeout=180)
at.query_params.update(links["online"])
at.switch_page("pages/stock.py")
at.run()
online = {"exceptions": [e.message for e in at.exception],
          "warnings": [w.value for w in at.warning]}
print("RESULT " + json.dumps({"pages": pages, "online": online, "trained": trained,
                              "guarded": guarded}))
'''


def test_a_restarted_process_works_offline_from_disk(prepared_offline, shared_data):  # noqa: F811
    links = {"en": link_params(lang="en"), "ko": link_params(lang="ko"),
             "online": link_params({"sk_source": "online", "sk_symbol": "000660.KS"})}
    cache = os.environ["LAB_CACHE_DIR"]
    files = sorted(os.path.relpath(os.path.join(d, f), cache)
                   for d, _, names in os.walk(cache) for f in names)
    assert any(f.startswith("imdb_models") for f in files), files  # prepared on disk
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens
    env.update({name: closed for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                                          "http_proxy", "https_proxy", "all_proxy")})
    env["NO_PROXY"] = env["no_proxy"] = ""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(shared_data / "imdb_keras_subset_num500.npz"),
         str(ROOT / "app.py"), json.dumps(links)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    for shown in result["pages"]:
        assert not shown["exceptions"] and not shown["errors"], shown
    assert result["trained"] == [], "a page trained in the restarted process"
    imdb_en = next(p for p in result["pages"]
                   if p["page"] == "pages/imdb.py" and p["lang"] == "en")
    assert "5,000" in imdb_en["text"], "the prepared Keras reviews, read from disk"
    assert imdb_en["threshold"] == [0.5], "the prepared model's threshold view, not a training"
    assert result["guarded"], "the restarted process's network guard did not refuse"
    assert not result["online"]["exceptions"] and any(
        "000660" in w for w in result["online"]["warnings"]), result["online"]
