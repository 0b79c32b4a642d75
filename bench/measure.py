"""Measuring child processes: wall time, peak memory, CPU time, and the machine's load."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional


@dataclass
class TimedRun:
    """A finished command: how long it took, its peak resident memory and its exit code."""

    seconds: float
    peak_mb: float
    returncode: int
    log: Path


def run_timed(args: List[str], cwd: Path, env: Dict[str, str], log: Path) -> TimedRun:
    """Runs ``args`` to completion, output to ``log``; peak memory from the kernel's own accounting."""
    with log.open("w") as output:
        started = time.monotonic()
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return TimedRun(round(seconds, 1), round(usage.ru_maxrss / 1024, 1), process.returncode, log)


def require_success(run: TimedRun, what: str) -> TimedRun:
    """Raises with the end of the log when ``run`` failed."""
    if run.returncode != 0:
        tail = run.log.read_text(errors="replace")[-4000:]
        raise RuntimeError(f"{what} failed (exit {run.returncode}); end of {run.log}:\n{tail}")
    return run


def memory_mb(pid: int, field_name: str = "VmRSS") -> float:
    """A process's resident memory (``VmRSS``) or its peak (``VmHWM``), in MB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field_name}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> List[int]:
    """The direct child processes of ``pid`` (e.g. Sanic's worker processes)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> Optional[float]:
    """The one-minute load average (``uptime``)."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None
