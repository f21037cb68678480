"""The one description of the machine that a benchmark or a quality report
ran on (cpu, cores, memory, Python, system, load), so that every figure
printed says where it came from. Used by knowledge/bench.py, bot/bench.py and
bot/quality_report.py."""
from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model(cpuinfo: str) -> str:
    """The CPU's model name from the text of /proc/cpuinfo."""
    for line in cpuinfo.splitlines():
        if line.lower().startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> dict:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu_model(_read("/proc/cpuinfo")),
        "cores": cores,
        "memory_gib": round(_memory_kb() / 2**20) if _memory_kb() else None,
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_average": round(os.getloadavg()[0], 1),
    }


def describe(info: dict) -> str:
    """One line: "AMD EPYC 7B13, 2 cores, 24 GiB, Python 3.11.7, load average 0.4"."""
    memory = f", {info['memory_gib']} GiB" if info.get("memory_gib") else ""
    return (f"{info.get('cpu', 'unknown')}, {info.get('cores', '?')} cores{memory}, "
            f"Python {info.get('python', '?')}, load average {info.get('load_average', '?')}")


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _memory_kb() -> int | None:
    fields = _read("/proc/meminfo").split()
    return int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else None
