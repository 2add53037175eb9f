"""Serve a class from several lab processes behind nginx, at one address.

    python -m deploy.serve [--processes 2] [--port 8501] [--host 0.0.0.0]

One Streamlit process runs every session's script in one Python interpreter, so a server with
more cores than one busy room needs serves it from several processes. This starts
``--processes`` ``streamlit run app.py`` processes on free localhost ports and Debian's nginx
in front of them (``deploy/nginx.conf``; ``apt-get install nginx``; no root needed). Each
browser sticks to one process (a cookie), so its websocket and its uploads reach the process
that holds its session. The processes share:

- one cache folder (``LAB_CACHE_DIR``, the lab's ``data/cache`` by default): a model trained by
  one process is saved there, and the others load it instead of training it again;
- one cookie secret, so Streamlit's XSRF tokens are valid in every process.

The page's "aclImdb folder" source stays off (the processes listen on localhost, but they
serve the whole class; see README "Security notes"). Ctrl+C stops everything.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = Path(__file__).with_name("nginx.conf")
START_S = 90  # each process, then the proxy, must answer its health check within this
MAX_UPLOAD_MB = 20  # .streamlit/config.toml's server.maxUploadSize


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + START_S
    while True:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2).close()
            return
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{url} did not start; its log ({log}):\n"
                                   + log.read_text(errors="replace")[-3000:])
            time.sleep(0.3)


@dataclass
class Deployment:
    url: str  # the class's address (nginx)
    ports: list[int]  # the lab processes, on localhost
    run_dir: Path  # nginx's configuration, logs and temporary files; the processes' logs
    procs: list[subprocess.Popen] = field(default_factory=list)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def __enter__(self) -> "Deployment":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(processes: int = 2, port: int = 0, host: str = "127.0.0.1",
          cache_dir: str | None = None, env: dict | None = None) -> Deployment:
    """Start the processes and nginx; returns once the class's address answers."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed: apt-get install nginx")
    run_dir = Path(tempfile.mkdtemp(prefix="lab-deploy-"))
    # started as root, nginx's workers run as nobody: they must reach their temporary folders
    # (an upload's body) inside; the folder stays unreadable to others
    run_dir.chmod(0o711)
    env = dict(os.environ, **(env or {}), LAB_ALLOW_FOLDERS="0")
    if cache_dir:
        env["LAB_CACHE_DIR"] = cache_dir
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = secrets.token_hex(16)  # the same in every process
    dep = Deployment("", [free_port() for _ in range(processes)], run_dir)
    try:
        for i, p in enumerate(dep.ports):
            log = run_dir / f"lab-{i + 1}.log"
            with open(log, "w") as out:
                dep.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "app.py",
                     "--server.headless", "true", "--server.address", "127.0.0.1",
                     "--server.port", str(p)],
                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
        for i, (p, proc) in enumerate(zip(dep.ports, dep.procs)):
            wait_healthy(f"http://127.0.0.1:{p}", proc, run_dir / f"lab-{i + 1}.log")
        listen = port or free_port()
        conf = (CONFIG.read_text().replace("@RUN@", str(run_dir))
                .replace("@LISTEN@", f"{host}:{listen}")
                .replace("@MAX_BODY@", str(MAX_UPLOAD_MB + 5))
                .replace("@UPSTREAMS@", "\n".join(f"        server 127.0.0.1:{p};"
                                                  for p in dep.ports)))
        (run_dir / "nginx.conf").write_text(conf)
        log = run_dir / "error.log"
        dep.procs.append(subprocess.Popen(
            [nginx, "-c", str(run_dir / "nginx.conf"), "-p", str(run_dir), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=open(log, "a")))
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        dep.url = f"http://{shown}:{listen}"
        wait_healthy(dep.url, dep.procs[-1], log)
        return dep
    except BaseException:
        dep.stop()
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2,
                        help="lab processes (about one per core)")
    parser.add_argument("--port", type=int, default=8501, help="the class's port")
    parser.add_argument("--host", default="0.0.0.0",
                        help="where nginx listens (0.0.0.0: the whole network)")
    args = parser.parse_args(argv)
    dep = start(args.processes, args.port, args.host)
    print(f"The lab at {dep.url} (port {args.port} on every address of this machine if "
          f"--host 0.0.0.0): {args.processes} processes behind nginx; logs in {dep.run_dir}. "
          "Ctrl+C stops it.", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while all(p.poll() is None for p in dep.procs):
            time.sleep(1)
        print("a process stopped; stopping the rest", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        dep.stop()


if __name__ == "__main__":
    sys.exit(main())
