"""The real processes that the scale-out tests and the benchmark use, watched for memory and CPU.

Starting, waiting and stopping are bot/runtime/processes.py's; this adds the measurements, Redis and
plain `rasa run`. Everything listens on 127.0.0.1 and is stopped by its own process id.
"""
import os
import shutil
import socket
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from bot.runtime import processes
from bot.runtime.processes import HOST, child_env, free_port  # noqa: F401 (re-exported for bench and tests)
from bot import ROOT

MODEL = ROOT / "models" / "schoolbot.tar.gz"

try:  # optional: better process memory figures
    import psutil
except ImportError:  # pragma: no cover - /proc fallback below
    psutil = None


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
class Service(processes.Process):
    """A started process whose memory is sampled while it starts and under load."""
    peak_rss: Dict[int, int] = field(default_factory=dict)  # pid -> peak bytes since the last reset
    overall_peak_rss: Dict[int, int] = field(default_factory=dict)  # pid -> peak bytes, never reset

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

    def while_waiting(self) -> None:
        self.sample_memory()


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
    service = processes.start(name, args, f"redis://{HOST}:{port}/0", env=child_env(), log_dir=log_dir, cls=Service)
    return service.wait_ready(timeout=20, probe=lambda: _answers_ping(port))


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_action_server(log_dir: Path, port: Optional[int] = None) -> Service:
    return processes.start_action_server(port, env=child_env(), log_dir=log_dir, cls=Service)


def start_api(log_dir: Path, action_webhook: str, name: str = "api", **options) -> Service:
    """This project's API (bot.runtime.processes.start_api), measured."""
    return processes.start_api(action_webhook, name, log_dir=log_dir, cls=Service, **options)


def start_rasa(log_dir: Path, action_webhook: str, port: Optional[int] = None, model: Path = MODEL) -> Service:
    """Plain `rasa run` with its REST channel, the same model and the same action server."""
    port = port or free_port()
    endpoints = log_dir / "rasa-endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "{action_webhook}"\n')
    args = [str(Path(sys.executable).with_name("rasa")), "run", "--model", str(model), "--endpoints", str(endpoints),
            "--credentials", str(ROOT / "credentials.yml"), "--interface", HOST, "--port", str(port)]
    return processes.start("rasa-run", args, f"http://{HOST}:{port}", env=child_env(), log_dir=log_dir, cls=Service)
