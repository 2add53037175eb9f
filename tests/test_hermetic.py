"""The suite's own guards (tests/conftest.py, tests/hermetic): no network but loopback, here and
in a process a test starts; none of the machine's settings or home folder."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hermetic.sitecustomize import NetworkBlocked, loopback


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.8.9.1", "::1", "[::1]",
                                  "::ffff:127.0.0.1", b"localhost", None])
def test_loopback_is_this_machine(host):
    assert loopback(host)


@pytest.mark.parametrize("host", ["example.com", "192.0.2.1", "10.0.0.1", "0.0.0.0", "::",
                                  "2001:db8::1", "localhost.example.com", ""])
def test_any_other_host_is_not(host):
    assert not loopback(host)


def test_a_connection_or_look_up_elsewhere_is_refused_and_loopback_works():
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.com", 443)
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET: never routed
    with socket.socket() as s, pytest.raises(NetworkBlocked):
        s.connect_ex(("192.0.2.1", 80))
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


def test_a_process_the_tests_start_is_guarded_too():
    code = ("import socket\ntry:\n    socket.getaddrinfo('example.com', 443)\n"
            "except ConnectionError as err:\n    print(type(err).__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ))
    assert out.stdout.strip() == "NetworkBlocked", out.stderr[-2000:]


def test_the_machines_settings_and_home_stay_out():
    from tests import conftest

    set_by_the_suite = {"LAB_CACHE_DIR"} | conftest.TEST_SETTINGS  # per test (_hermetic)
    assert {k for k in os.environ if k.startswith(("LAB_", "STREAMLIT_"))} <= set_by_the_suite
    home = Path(os.environ["HOME"])
    assert home == Path.home() and home.parent == conftest._RUN_HOME
    assert not (home / ".streamlit").exists()
