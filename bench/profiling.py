"""py-spy profiles of the running servers, and a short summary of where their time goes.

``python -m bench --profile`` records every server of our bot during an extra 20-customer run (not one
of the measured runs: sampling costs the target a little time) as collapsed stacks
(``bench/results/profile-<role>.txt``, open them in speedscope.app or feed them to flamegraph.pl), and
summarises them: the share of samples spent in each Rasa graph component and in each stage of Rasa's
message handling. py-spy only samples while the process is running Python or native code, so the
shares are of the time the server was busy. It pauses the process for each sample (100 a second):
without that (``--nonblocking``) the stacks it reads are torn and attribute time to wrong callers.
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional

from bench import VENV_BIN

SAMPLING_RATE_HZ = 100
# Frames whose inclusive share the summary reports, by a readable name.
STAGES: Dict[str, str] = {
    "tracker store: load": r"^(_retrieve|retrieve) \((paybot|rasa)/.*tracker_store",
    "tracker store: save": r"^save \((paybot|rasa)/.*tracker_store",
    "NLU (parse_message)": r"^parse_message \(rasa/core/processor",
    "policies (predict next action)": r"^_predict_next_with_tracker \(rasa/core/processor",
    "running actions (incl. action server call)": r"^_run_action \(rasa/core/processor",
    "custom action HTTP call": r"^request \(rasa/utils/endpoints",
    "action server: action code": r"^run \(rasa_sdk/executor",
    "action server: JSON parsing": r"^load_json \(sanic/request",
}
_COMPONENT = re.compile(r"^(process|predict_action_probabilities) \(([\w/]+)\.py")
_LINE_NUMBER = re.compile(r":\d+\)$")


def py_spy() -> Optional[Path]:
    """The py-spy executable (installed from requirements.txt), or None."""
    candidate = VENV_BIN / "py-spy"
    if candidate.exists():
        return candidate
    found = shutil.which("py-spy")
    return Path(found) if found else None


def start(pids: Dict[str, int], seconds: float, out_dir: Path) -> List[subprocess.Popen]:
    """Starts ``py-spy record`` on each process for ``seconds``; returns the recorders."""
    executable = py_spy()
    if executable is None:
        raise RuntimeError("py-spy is not installed (pip install -r requirements.txt)")
    return [
        subprocess.Popen(
            [str(executable), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate",
             str(SAMPLING_RATE_HZ), "--format", "raw", "--output", str(out_dir / f"profile-{role}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for role, pid in pids.items()
    ]


def _stacks(path: Path):
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            yield [_LINE_NUMBER.sub(")", frame) for frame in stack.split(";")], int(count)


def summarise(path: Path) -> Dict[str, object]:
    """Shares (percent of busy samples) of each stage and each graph component in one profile."""
    total = 0
    stages: collections.Counter[str] = collections.Counter()
    components: collections.Counter[str] = collections.Counter()
    for frames, count in _stacks(path):
        total += count
        for stage, pattern in STAGES.items():
            if any(re.search(pattern, frame) for frame in frames):
                stages[stage] += count
        for frame in frames:
            match = _COMPONENT.match(frame)
            if match and ("nlu/" in match.group(2) or "policies" in match.group(2) or "korean_nlu" in match.group(2)):
                components[match.group(2).rsplit("/", 1)[-1]] += count
                break
    percent = (lambda n: round(100 * n / total, 1)) if total else (lambda n: 0.0)
    return {
        "samples": total,
        "stages_percent": {stage: percent(n) for stage, n in stages.most_common()},
        "components_percent": {name: percent(n) for name, n in components.most_common()},
    }


def top_functions(path: Path, limit: int = 25) -> List[str]:
    """The functions with the most samples of their own (self time), as "percent function" lines."""
    total = 0
    own: collections.Counter[str] = collections.Counter()
    for frames, count in _stacks(path):
        total += count
        own[frames[-1]] += count
    return [f"{100 * n / max(total, 1):5.1f}% {frame}" for frame, n in own.most_common(limit)]
