"""The grader's end of a worker's pipes: every read and every write under a deadline.

The worker runs learner code, and learner code can do anything to its end of the pipes:
stop reading (so a blocking write from the grader would hang forever), write half a
message, or write gigabytes. So the grader never blocks on a pipe without a deadline:

- :class:`PollChannel` (POSIX) puts both pipes in non-blocking mode and waits with
  ``poll``, which, unlike ``select``, has no limit on descriptor numbers;
- :class:`ThreadChannel` is the portable fallback (Windows, where ``select`` does not take
  pipes, or ``COURSE_FENCE_DISABLE=select``): a reader thread and a writer thread do the
  blocking I/O, and the grader waits on them with a timeout.

Both read one length-prefixed message body (see :mod:`grader.sandbox.wire`) and refuse a length
above ``max_bytes`` before reading its body, so a reply never costs more memory than that.
"""

from __future__ import annotations

import os
import queue
import select
import threading
import time
from typing import BinaryIO

from grader.sandbox import host

HEADER_BYTES = 4


class ChannelTimeout(Exception):
    """No complete message (or write) within the deadline."""


class ChannelClosed(Exception):
    """The worker's end is closed: it exited or died."""


class ChannelTooLarge(Exception):
    """The worker announced a message larger than allowed."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def _remaining(deadline: float) -> float:
    return deadline - time.monotonic()


class PollChannel:
    """Non-blocking pipes waited on with ``poll``."""

    def __init__(self, to_worker: BinaryIO, from_worker: BinaryIO, max_bytes: int):
        self.out_fd, self.in_fd = to_worker.fileno(), from_worker.fileno()
        os.set_blocking(self.out_fd, False)
        os.set_blocking(self.in_fd, False)
        self.max_bytes = max_bytes

    def _wait(self, fd: int, event: int, deadline: float) -> None:
        poller = select.poll()
        poller.register(fd, event)
        while True:
            left = _remaining(deadline)
            if left <= 0:
                raise ChannelTimeout
            if poller.poll(max(1, int(left * 1000) + 1)):
                return

    def send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.out_fd, view)
            except BlockingIOError:
                self._wait(self.out_fd, select.POLLOUT, deadline)
                continue
            except (BrokenPipeError, OSError) as exc:
                raise ChannelClosed from exc
            view = view[written:]

    def _read(self, size: int, deadline: float) -> bytes:
        buffer = bytearray()
        while len(buffer) < size:
            try:
                chunk = os.read(self.in_fd, min(size - len(buffer), 1 << 20))
            except BlockingIOError:
                self._wait(self.in_fd, select.POLLIN, deadline)
                continue
            except OSError as exc:
                raise ChannelClosed from exc
            if not chunk:
                raise ChannelClosed
            buffer += chunk
        return bytes(buffer)

    def receive(self, deadline: float) -> bytes:
        size = int.from_bytes(self._read(HEADER_BYTES, deadline), "big")
        if size > self.max_bytes:
            raise ChannelTooLarge(size)
        return self._read(size, deadline)

    def close(self) -> None:
        pass  # the pipes belong to the process; closing it closes them


class ThreadChannel:
    """Blocking pipes served by a reader and a writer thread (no ``select`` needed).

    A thread stuck in a write to a worker that stopped reading is freed when the worker is
    killed: its write then fails with a broken pipe.
    """

    _CLOSED = object()

    def __init__(self, to_worker: BinaryIO, from_worker: BinaryIO, max_bytes: int):
        self.to_worker, self.from_worker, self.max_bytes = to_worker, from_worker, max_bytes
        self.replies: queue.Queue = queue.Queue()
        self.writes: queue.Queue = queue.Queue()
        threading.Thread(target=self._read_loop, daemon=True).start()
        threading.Thread(target=self._write_loop, daemon=True).start()

    def _read_exactly(self, size: int) -> bytes | None:
        buffer = bytearray()
        while len(buffer) < size:
            try:
                chunk = self.from_worker.read(min(size - len(buffer), 1 << 20))
            except (OSError, ValueError):
                return None
            if not chunk:
                return None
            buffer += chunk
        return bytes(buffer)

    def _read_loop(self) -> None:
        while True:
            header = self._read_exactly(HEADER_BYTES)
            if header is None:
                self.replies.put(self._CLOSED)
                return
            size = int.from_bytes(header, "big")
            if size > self.max_bytes:
                self.replies.put(ChannelTooLarge(size))
                return
            body = self._read_exactly(size)
            self.replies.put(self._CLOSED if body is None else body)
            if body is None:
                return

    def _write_loop(self) -> None:
        while True:
            data, done = self.writes.get()
            if data is None:
                return
            try:
                self.to_worker.write(data)
                self.to_worker.flush()
                done.put(None)
            except (OSError, ValueError) as exc:
                done.put(exc)

    def send(self, data: bytes, deadline: float) -> None:
        done: queue.Queue = queue.Queue(maxsize=1)
        self.writes.put((data, done))
        try:
            failure = done.get(timeout=max(_remaining(deadline), 0.001))
        except queue.Empty:
            raise ChannelTimeout from None
        if failure is not None:
            raise ChannelClosed from failure

    def receive(self, deadline: float) -> bytes:
        try:
            item = self.replies.get(timeout=max(_remaining(deadline), 0.001))
        except queue.Empty:
            raise ChannelTimeout from None
        if item is self._CLOSED:
            self.replies.put(item)  # every later receive sees the end too
            raise ChannelClosed
        if isinstance(item, ChannelTooLarge):
            self.replies.put(self._CLOSED)
            raise item
        return item

    def close(self) -> None:
        self.writes.put((None, None))


def open_channel(
    to_worker: BinaryIO, from_worker: BinaryIO, max_bytes: int
) -> PollChannel | ThreadChannel:
    """The best channel this platform offers for a worker's pipes."""
    if hasattr(select, "poll") and os.name == "posix" and not host.disabled("select"):
        return PollChannel(to_worker, from_worker, max_bytes)
    return ThreadChannel(to_worker, from_worker, max_bytes)
