"""Resource limits for a worker, settable per exercise in the lesson manifest."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Limits:
    """Resource limits for one worker; every field can be set per exercise in the manifest."""

    seconds_per_call: float = 5.0
    seconds_total: float = 15.0  # all calls of one exercise together, so a hang costs little
    memory_mb: int = 1024  # per process, and for the worker's whole process tree
    cpu_seconds: int = 120
    file_mb: int = 16
    processes: int = 64  # processes and threads of the whole tree, the worker's own included

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Limits:
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown limit(s) {sorted(unknown)}; known: {sorted(known)}")
        return cls(**values)

    def for_worker(self) -> dict[str, int]:
        """What the worker applies to itself (see :func:`grader.sandbox.host.fence_worker`)."""
        return {
            "memory_bytes": self.memory_mb * 1024 * 1024,
            "cpu_seconds": self.cpu_seconds,
            "file_bytes": self.file_mb * 1024 * 1024,
            "processes": self.processes,
        }
