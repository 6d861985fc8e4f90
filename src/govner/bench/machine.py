"""The machine a benchmark ran on, gathered once and written two ways: one line (inference
benchmark) or a Markdown list (training benchmark)."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path

import torch


@dataclass(frozen=True)
class Machine:
    cpu: str  # model name from /proc/cpuinfo, else what platform reports
    usable_cores: int  # cores this process may run on (``nproc``)
    ram_gib: float | None
    torch_version: str
    torch_threads: int  # torch's default intra-op threads
    python: str
    system: str

    @classmethod
    def here(cls) -> Machine:
        cpuinfo = Path("/proc/cpuinfo")
        models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M) if cpuinfo.exists() else []
        meminfo = Path("/proc/meminfo")
        mem = re.search(r"^MemTotal:\s*(\d+) kB", meminfo.read_text(), re.M) if meminfo.exists() else None
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return cls(
            cpu=models[0] if models else platform.processor() or platform.machine() or "unknown",
            usable_cores=usable,
            ram_gib=int(mem[1]) / 1024**2 if mem else None,
            torch_version=torch.__version__,
            torch_threads=torch.get_num_threads(),
            python=platform.python_version(),
            system=f"{platform.system()} {platform.release()}",
        )

    def line(self) -> str:
        ram = f"{self.ram_gib:.0f} GiB RAM" if self.ram_gib is not None else "RAM unknown"
        return (
            f"{self.cpu}, {self.usable_cores} cores usable, {ram}; "
            f"torch {self.torch_version}, {self.torch_threads} threads"
        )

    def markdown(self) -> str:
        ram = f"- RAM: {self.ram_gib:.1f} GiB" if self.ram_gib is not None else "- RAM: unknown"
        return "\n".join(
            [
                f"- CPU: {self.usable_cores} usable core(s) (`nproc`), {self.cpu}",
                ram,
                f"- Python {self.python}, torch {self.torch_version} ({self.torch_threads} threads by default), {self.system}",
                f"- load average (1, 5, 15 min) when the benchmark started: {load_average(', ')}",
            ]
        )


def load_average(sep: str = " ") -> str:
    return sep.join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
