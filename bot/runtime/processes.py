"""Start a local process, wait until it is healthy, stop it: the one implementation that
`make run` (api/serve.py), the tests and the benchmark (tooling/bench/processes.py) use.

Everything listens on 127.0.0.1 and is stopped by its own process id (and its children).
"""
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Type, TypeVar

import httpx

from bot import ROOT
from bot.runtime.uvicorn_options import uvicorn_cli_options

HOST = "127.0.0.1"

try:  # optional: the children of a process (a uvicorn supervisor's workers)
    import psutil
except ImportError:  # pragma: no cover - /proc fallback below
    psutil = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def child_env(**extra: str) -> Dict[str, str]:
    """This environment without any SIGNPOST_* setting, plus `extra` (a process set up from scratch)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNPOST_")}
    env.update(
        PYTHONPATH=str(ROOT),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def tree_pids(pid: int) -> List[int]:
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


@dataclass
class Process:
    """One started process, reachable at `url`; its output goes to `log_path` when there is one."""
    name: str
    process: subprocess.Popen
    url: str
    log_path: Optional[Path] = None
    started_at: float = field(default_factory=time.monotonic)
    ready_after: Optional[float] = None  # seconds from start to ready

    @property
    def pid(self) -> int:
        return self.process.pid

    def pids(self) -> List[int]:
        return tree_pids(self.pid)

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None:
            return "(output not kept)"
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def while_waiting(self) -> None:
        """Called on every poll of wait_ready (the benchmark samples memory here)."""

    def wait_ready(self, path: str = "/health", timeout: float = 120.0,
                   ok: Optional[Callable[[httpx.Response], bool]] = None,
                   log_marker: Optional[str] = None, marker_count: int = 1,
                   probe: Optional[Callable[[], bool]] = None) -> "Process":
        """Polls url+path until ok(response) (200 by default) and, if given, log_marker has appeared
        marker_count times in the log; or, with `probe`, until probe() is true. Sets ready_after
        (seconds since start). Raises RuntimeError with the log tail if the process exits or the
        timeout passes first."""
        ok = ok or (lambda r: r.status_code == 200)
        deadline = self.started_at + timeout
        with httpx.Client(timeout=2.0) as client:
            def healthy() -> bool:
                if probe is not None:
                    return probe()
                try:
                    if not ok(client.get(self.url + path)):
                        return False
                except httpx.HTTPError:
                    return False
                return not log_marker or self.log_path.read_text(errors="replace").count(log_marker) >= marker_count

            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n{self.log_tail()}")
                if healthy():
                    self.ready_after = time.monotonic() - self.started_at
                    return self
                self.while_waiting()
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} was not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, then SIGKILL for it and its children if it has not exited within `timeout`."""
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


P = TypeVar("P", bound=Process)


def start(name: str, args: List[str], url: str, env: Optional[Dict[str, str]] = None,
          log_dir: Optional[Path] = None, quiet: bool = False, cls: Type[P] = Process) -> P:
    """Starts `args` in the project's root. Output: to log_dir/<name>.log when log_dir is given,
    else discarded when quiet, else this process's own. `env` defaults to this environment with
    the project on PYTHONPATH. Does not wait: call wait_ready()."""
    env = env if env is not None else {**os.environ, "PYTHONPATH": str(ROOT)}
    log_path = None
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / f"{name}.log"
        output = open(log_path, "wb")
    else:
        output = subprocess.DEVNULL if quiet else None
    started = time.monotonic()
    try:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=output,
                                   stderr=subprocess.STDOUT if output is not None else None,
                                   stdin=subprocess.DEVNULL)
    finally:
        if log_path is not None:
            output.close()
    return cls(name, process, url, log_path, started_at=started)


def start_action_server(port: Optional[int] = None, name: str = "actions", extra_args: Sequence[str] = (),
                        **options) -> Process:
    """`python -m actions`, on loopback unless extra_args say otherwise (actions/__main__.py);
    options as for start()."""
    port = port or free_port()
    args = [sys.executable, "-m", "actions", "--port", str(port), *extra_args]
    return start(name, args, f"http://{HOST}:{port}", **options)


def start_api(action_webhook: str, name: str = "api", port: Optional[int] = None, workers: int = 1,
              extra_env: Optional[Dict[str, str]] = None, log_dir: Optional[Path] = None,
              cls: Type[P] = Process, **settings: str) -> P:
    """This project's API under uvicorn with the options every launcher uses (api.serve), in an
    environment without the caller's SIGNPOST_* settings; `settings` are SIGNPOST_* variables
    without the prefix."""

    port = port or free_port()
    args = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory", "--host", HOST,
            "--port", str(port), *uvicorn_cli_options(), "--workers", str(workers)]
    env = child_env(SIGNPOST_ACTION_SERVER_URL=action_webhook,
                    **{f"SIGNPOST_{k.upper()}": v for k, v in settings.items()}, **(extra_env or {}))
    return start(name, args, f"http://{HOST}:{port}", env=env, log_dir=log_dir, cls=cls)
