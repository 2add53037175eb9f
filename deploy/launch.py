"""One ``streamlit run`` on a localhost port, and the wait for its health check.

The one way the lab is started by ``deploy.serve`` (its processes, then nginx's health check),
the benchmarks (``bench``) and the tests (``tests.conftest.serve_app``). It imports neither
Streamlit nor the lab, so a caller pays for neither.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_S = 90  # a server (or the proxy) must answer its health check within this
POLL_S = 0.2  # between two health checks while it starts


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path | None = None,
                 timeout: float = START_S) -> None:
    """Return once ``url``'s ``/_stcore/health`` answers (Streamlit's, or nginx's in front);
    raise ``RuntimeError`` with the end of ``log`` if ``proc`` exits or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                why = "exited" if proc.poll() is not None else f"no answer in {timeout:.0f} s"
                tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
                raise RuntimeError(f"{url} did not start ({why}); its log ({log}):\n{tail}")
            time.sleep(POLL_S)


@dataclass
class Server:
    """A ``streamlit run`` process: its address, the process and its log (stdout and stderr)."""

    url: str
    proc: subprocess.Popen
    log: Path | None

    def wait_healthy(self, timeout: float = START_S) -> "Server":
        wait_healthy(self.url, self.proc, self.log, timeout)
        return self

    def stop(self, timeout: float = 10) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def spawn(script: str = "app.py", env: dict | None = None, log: Path | None = None,
          port: int = 0) -> Server:
    """Start ``streamlit run script`` (a path from the project's root) headless on
    ``127.0.0.1:port`` (a free port if 0), with ``env`` (None: this process's), its output in
    ``log`` (None: discarded). Returns at once; ``Server.wait_healthy`` waits for it."""
    port = port or free_port()
    out = open(log, "w") if log else subprocess.DEVNULL
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    finally:
        if log:
            out.close()
    return Server(f"http://127.0.0.1:{port}", proc, log)


def start(script: str = "app.py", env: dict | None = None, log: Path | None = None,
          port: int = 0, timeout: float = START_S) -> Server:
    """``spawn``, then wait for its health check (the server is stopped if it never answers)."""
    server = spawn(script, env, log, port)
    try:
        return server.wait_healthy(timeout)
    except BaseException:
        server.stop()
        raise
