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
- one cookie secret, so Streamlit's XSRF tokens are valid in every process;
- one Redis (Debian's ``redis-server`` on localhost, started here unless ``LAB_REDIS_URL``
  names one, or ``--no-redis``): the class's rooms (``lab.classroom.room``), whichever process a
  student's browser reaches;
- one lecturer key (``LAB_LECTURER_KEY``, made here if not given and printed at start).

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
from dataclasses import dataclass, field
from pathlib import Path

from deploy import launch
from deploy.launch import free_port, wait_healthy

CONFIG = Path(__file__).with_name("nginx.conf")
MAX_UPLOAD_MB = 20  # .streamlit/config.toml's server.maxUploadSize


@dataclass
class Deployment:
    url: str  # the class's address (nginx)
    ports: list[int]  # the lab processes, on localhost
    run_dir: Path  # nginx's configuration, logs and temporary files; the processes' logs
    procs: list[subprocess.Popen] = field(default_factory=list)
    lecturer_key: str = ""  # LAB_LECTURER_KEY of every process: opens a room (ui/room.py)

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


def _start_redis(dep: Deployment) -> str:
    """Debian's ``redis-server`` on a free localhost port, in memory only (the rooms, the
    training locks): its URL."""
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server is not installed: apt-get install redis-server "
                           "(or give LAB_REDIS_URL, or --no-redis)")
    port = free_port()
    log = dep.run_dir / "redis.log"
    dep.procs.append(subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(dep.run_dir), "--logfile", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + launch.START_S
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:{port}/0"
        except OSError:
            pass
        if dep.procs[-1].poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"redis-server did not start; its log: {log}")
        time.sleep(0.1)


def nginx_config(run_dir: Path, listen: str, ports: list[int],
                 name_process: bool = False) -> str:
    """``deploy/nginx.conf`` with its fields filled in: nginx's folder, where it listens, the
    lab processes' ports, and (tests only) the header that names the process that answered."""
    header = "            add_header X-Lab-Process $upstream_addr always;" if name_process else ""
    return (CONFIG.read_text().replace("@RUN@", str(run_dir))
            .replace("@LISTEN@", listen)
            .replace("@MAX_BODY@", str(MAX_UPLOAD_MB + 5))
            .replace("@PROCESS_HEADER@\n", header + "\n" if header else "")
            .replace("@UPSTREAMS@", "\n".join(f"        server 127.0.0.1:{p};" for p in ports)))


def start(processes: int = 2, port: int = 0, host: str = "127.0.0.1",
          cache_dir: str | None = None, env: dict | None = None,
          redis: bool = True, name_process: bool = False) -> Deployment:
    """Start Redis (unless ``LAB_REDIS_URL`` names one, or ``redis`` is False), the processes
    and nginx; returns once the class's address answers. ``name_process`` (tests and
    benchmarks only) adds an ``X-Lab-Process`` header naming the process that answered (its
    internal address): never for a class."""
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
    # one lecturer key for every process (a process would otherwise make its own)
    env.setdefault("LAB_LECTURER_KEY", secrets.token_urlsafe(9))
    dep = Deployment("", [free_port() for _ in range(processes)], run_dir,
                     lecturer_key=env["LAB_LECTURER_KEY"])
    try:
        if redis and not env.get("LAB_REDIS_URL"):
            env["LAB_REDIS_URL"] = _start_redis(dep)
        servers = [launch.spawn("app.py", env, run_dir / f"lab-{i + 1}.log", p)
                   for i, p in enumerate(dep.ports)]
        dep.procs += [s.proc for s in servers]
        for server in servers:  # they start side by side
            server.wait_healthy()
        listen = port or free_port()
        (run_dir / "nginx.conf").write_text(
            nginx_config(run_dir, f"{host}:{listen}", dep.ports, name_process))
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
    parser.add_argument("--no-redis", action="store_true",
                        help="no Redis: each process keeps its own rooms and trainings")
    args = parser.parse_args(argv)
    dep = start(args.processes, args.port, args.host, redis=not args.no_redis)
    print(f"The lab at {dep.url} (port {args.port} on every address of this machine if "
          f"--host 0.0.0.0): {args.processes} processes behind nginx; logs in {dep.run_dir}. "
          "Ctrl+C stops it.", flush=True)
    print(f"Lecturer key (opens a room; keep it off the projector): {dep.lecturer_key}",
          flush=True)
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
