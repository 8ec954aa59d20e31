"""Where a running server spends its CPU: py-spy attached to the process, folded into a table.

py-spy samples another process from outside (pyinstrument can only profile its own), so the server runs
unchanged. Samples are taken without pausing the server (--nonblocking) and only while a thread is
running Python, not idle, so the shares are of CPU spent, not of wall time.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.common import Table, columns

TOP = 18


class SpyProfile:
    def __init__(self, pid: int, subprocesses: bool) -> None:
        self.pid, self.subprocesses = pid, subprocesses
        self._process: subprocess.Popen[bytes] | None = None
        self._output: Path | None = None

    def start(self, output: Path) -> None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        if not Path(spy).exists():
            raise SystemExit("--profile samples the server with py-spy: pip install py-spy")
        command = [spy, "record", "--pid", str(self.pid), "--format", "raw", "--output", str(output)]
        command += ["--rate", "250", "--nonblocking", "--nolineno"]
        if self.subprocesses:
            command.append("--subprocesses")
        self._output = output
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self, title: str) -> Table:
        """Stop sampling and fold the samples: self % (time in the function itself) and inclusive %."""
        if self._process is not None:
            self._process.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
            self._process.wait(timeout=30)
        stacks = self._output.read_text().splitlines() if self._output and self._output.exists() else []
        return fold(stacks, title)


def fold(lines: list[str], title: str, top: int = TOP) -> Table:
    """Collapsed stacks ("frame;frame;... count") -> the `top` functions by self time."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(frame) for frame in stack.split(";")[1:]]  # the first is the process/thread
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    table = Table(title, columns("function | self %:.1f | inclusive %:.1f"))
    for frame, count in own.most_common(top):
        table.add(frame, 100 * count / max(1, total), 100 * inclusive[frame] / max(1, total))
    return table


def _short(frame: str) -> str:
    """A frame with its file path cut to the last two parts ("execute (engine/base.py)"), so that
    site-packages prefixes do not drown the table."""
    name, _, where = frame.partition(" (")
    parts = where.rstrip(")").split("/")
    return f"{name} ({'/'.join(parts[-2:])})" if where else name
