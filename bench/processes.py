"""Start, watch and stop the real processes that the scale-out tests and the benchmark use.

Everything listens on 127.0.0.1 and is stopped by its own process id (and its children).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import httpx

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "schoolbot.tar.gz"
HOST = "127.0.0.1"

try:  # optional: better process-tree memory figures
    import psutil
except ImportError:  # pragma: no cover - /proc fallback below
    psutil = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def child_env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNPOST_")}
    env.update(
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _tree_pids(pid: int) -> List[int]:
    """pid and all its descendants."""
    if psutil is not None:
        try:
            proc = psutil.Process(pid)
            return [pid] + [c.pid for c in proc.children(recursive=True)]
        except psutil.Error:
            return []
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo.extend(int(c) for c in task.read_text().split())
            except OSError:
                pass
    return pids


def rss_bytes(pid: int) -> int:
    if psutil is not None:
        try:
            return psutil.Process(pid).memory_info().rss
        except psutil.Error:
            return 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    if psutil is not None:
        try:
            t = psutil.Process(pid).cpu_times()
            return t.user + t.system
        except psutil.Error:
            return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


@dataclass
class Service:
    name: str
    process: subprocess.Popen
    url: str
    log_path: Path
    started_at: float = field(default_factory=time.monotonic)
    ready_after: Optional[float] = None  # seconds from start to ready
    peak_rss: Dict[int, int] = field(default_factory=dict)  # pid -> peak bytes since the last reset
    overall_peak_rss: Dict[int, int] = field(default_factory=dict)  # pid -> peak bytes, never reset

    @property
    def pid(self) -> int:
        return self.process.pid

    def pids(self) -> List[int]:
        return _tree_pids(self.pid)

    def worker_pids(self) -> List[int]:
        """The processes that serve requests: the children of a uvicorn supervisor, else itself.

        uvicorn --workers N spawns N workers plus multiprocessing's resource tracker; workers are
        the children using real memory (the tracker stays small).
        """
        children = [p for p in self.pids() if p != self.pid]
        serving = [p for p in children if rss_bytes(p) > 100 * 2**20]
        return serving or [self.pid]

    def sample_memory(self) -> None:
        for pid in self.pids():
            rss = rss_bytes(pid)
            self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), rss)
            self.overall_peak_rss[pid] = max(self.overall_peak_rss.get(pid, 0), rss)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_ready(self, path: str, timeout: float, ok: Optional[Callable[[httpx.Response], bool]] = None,
                   log_marker: Optional[str] = None, marker_count: int = 1) -> float:
        """Polls url+path until ok(response) (and, if given, log_marker has appeared marker_count
        times in the log); returns seconds since start. Raises with the log tail on failure."""
        ok = ok or (lambda r: r.status_code == 200)
        deadline = self.started_at + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n{self.log_tail()}")
                try:
                    if ok(client.get(self.url + path)) and (
                        not log_marker or self.log_path.read_text(errors="replace").count(log_marker) >= marker_count
                    ):
                        self.ready_after = time.monotonic() - self.started_at
                        return self.ready_after
                except httpx.HTTPError:
                    pass
                self.sample_memory()
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} was not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                for pid in reversed(self.pids()):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                self.process.wait(timeout=5)


def _spawn(name: str, args: List[str], url: str, env: Dict[str, str], log_dir: Path) -> Service:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = open(log_path, "wb")
    started = time.monotonic()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
    log.close()
    return Service(name, process, url, log_path, started_at=started)


def redis_server_binary() -> str:
    binary = shutil.which("redis-server")
    if not binary:
        raise RuntimeError(
            "redis-server is not installed: the scale-out tests run a real Redis on loopback. "
            "Install it with `make redis-deps` (apt-get install redis-server)."
        )
    return binary


def start_redis(log_dir: Path, port: Optional[int] = None, data_dir: Optional[Path] = None,
                name: str = "redis") -> Service:
    """A redis-server on loopback. With `data_dir`, append-only persistence is on (every write
    fsynced), so a restart on the same port and directory keeps the data (make chaos)."""
    port = port or free_port()
    persistence = (["--appendonly", "yes", "--appendfsync", "always", "--dir", str(data_dir)] if data_dir
                   else ["--appendonly", "no", "--dir", tempfile.mkdtemp(prefix="redis-")])
    args = [redis_server_binary(), "--bind", HOST, "--port", str(port), "--save", "", *persistence,
            "--protected-mode", "yes"]
    service = _spawn(name, args, f"redis://{HOST}:{port}/0", child_env(), log_dir)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"redis-server exited:\n{service.log_tail()}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    service.ready_after = time.monotonic() - service.started_at
                    return service
        except OSError:
            time.sleep(0.05)
    service.stop()
    raise RuntimeError("redis-server did not answer PING within 20 s")


def start_action_server(log_dir: Path, port: Optional[int] = None) -> Service:
    port = port or free_port()
    args = [sys.executable, "-m", "actions", "--port", str(port)]  # loopback only
    return _spawn("actions", args, f"http://{HOST}:{port}", child_env(), log_dir)


def start_api(log_dir: Path, action_webhook: str, name: str = "api", port: Optional[int] = None,
              workers: int = 1, extra_env: Optional[Dict[str, str]] = None, **settings: str) -> Service:
    """This project's API under uvicorn; settings are SIGNPOST_* variables without the prefix."""
    port = port or free_port()
    from api.serve import uvicorn_cli_options

    args = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host", HOST,
            "--port", str(port), *uvicorn_cli_options(), "--workers", str(workers)]
    env = child_env(SIGNPOST_ACTION_SERVER_URL=action_webhook,
                    **{f"SIGNPOST_{k.upper()}": v for k, v in settings.items()}, **(extra_env or {}))
    return _spawn(name, args, f"http://{HOST}:{port}", env, log_dir)


def start_rasa(log_dir: Path, action_webhook: str, port: Optional[int] = None, model: Path = MODEL) -> Service:
    """Plain `rasa run` with its REST channel, the same model and the same action server."""
    port = port or free_port()
    endpoints = log_dir / "rasa-endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "{action_webhook}"\n')
    args = [str(Path(sys.executable).with_name("rasa")), "run", "--model", str(model), "--endpoints", str(endpoints),
            "--credentials", str(ROOT / "credentials.yml"), "--interface", HOST, "--port", str(port)]
    return _spawn("rasa-run", args, f"http://{HOST}:{port}", child_env(), log_dir)
