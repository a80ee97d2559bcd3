"""One pytest session kept for run after run in one process: configured and collected once.

A process that grades again and again (a batch's grading process, ``course watch``)
would otherwise configure pytest and collect the suites anew for every run: about a tenth
of a learner's grading time in a batch. From its second run, the runner
(:mod:`grader.grading.runner`) keeps one session per process and runs each new run's
checks in it.

A run in a kept session sees what a fresh session would:

- each check starts with a fresh fixture request, and what an earlier run left on it (its
  captured output, the proxy of an earlier learner's module) is cleared first;
- the run's last check is torn down with nothing after it, which ends every fixture of
  every scope, so no fixture value outlives a run;
- the plugin's targets and seed are the run's (:meth:`GraderPlugin.begin`);
- the checks run in the order ``pytest.main`` would run them for the same suites.

The suites' modules were shared by runs in one process already (pytest's importlib mode
imports a suite once per process). Anything unusual (a suite that failed to collect, a
run that is not a subsequence of what was collected, a pytest without these internals)
makes the runner fall back to ``pytest.main`` for that run.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from grader.grading.plugin import GraderPlugin, Target


class KeptSession:
    """A configured pytest session that has collected ``suites``, ready to run them."""

    def __init__(self, args: list[str], suites: tuple[Path, ...]):
        from _pytest.config import _prepareconfig  # what pytest.main does, kept open

        self.suites = suites
        self.plugin = GraderPlugin([], 0)
        self.broken = False
        self.in_use = threading.Lock()  # taken by whoever runs next (take), freed by run
        self.config = _prepareconfig([*args, *map(str, suites)], [self.plugin])
        try:
            self.session = pytest.Session.from_config(self.config)
            self.config._do_configure()
            self.config.hook.pytest_sessionstart(session=self.session)
            self.config.hook.pytest_collection(session=self.session)
        except BaseException:
            self.close()
            raise
        if self.session.testsfailed:  # pytest.main would run nothing at all: so do we
            self.close()
            raise ValueError("a suite failed to collect")
        self.by_suite: dict[Path, list[pytest.Item]] = {}
        for item in self.session.items:
            self.by_suite.setdefault(item.path.resolve(), []).append(item)

    def covers(self, suites: list[Path]) -> bool:
        """Whether a run of ``suites`` (in this order) can run here as pytest.main would
        run it: each collected, none twice, in the order they were collected."""
        return not self.broken and in_order(suites, list(self.by_suite))

    def take(self) -> bool:
        """Reserve this session for one run (False: another thread's run is in it)."""
        return self.in_use.acquire(blocking=False)

    def run(self, targets: list[Target], seed: int) -> None:
        """Run the checks of ``targets``' suites for this run's files and seed (after
        :meth:`take`, which this frees)."""
        try:
            self._run(targets, seed)
        finally:
            self.in_use.release()

    def _run(self, targets: list[Target], seed: int) -> None:
        self.plugin.begin(targets, seed)
        items = [
            item
            for target in targets
            for item in self.by_suite[target.exercise.path(target.exercise.suite).resolve()]
        ]
        try:
            for item in items:
                _fresh(item)
            for i, item in enumerate(items):
                nextitem = items[i + 1] if i + 1 < len(items) else None
                item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        except BaseException:
            # Stopped between a setup and its teardown: fixtures may still be held, so
            # this session serves no other run.
            self.broken = True
            raise
        finally:
            self.plugin.pytest_sessionfinish()

    def close(self) -> None:
        self.broken = True
        try:
            self.config._ensure_unconfigure()
        except Exception:  # noqa: BLE001 - closing; the process carries on without it
            pass


def in_order(suites: list[Path], order: list[Path]) -> bool:
    """Whether ``suites`` are all in ``order`` (resolved paths), none twice, in its order."""
    wanted = [s.resolve() for s in suites]
    if len(set(wanted)) != len(wanted) or not set(wanted) <= set(order):
        return False
    return wanted == [s for s in order if s in wanted]


def _fresh(item: pytest.Item) -> None:
    """Clear what an earlier run left on ``item``."""
    if hasattr(item, "_initrequest"):  # a test function: new request, no fixture values
        item._initrequest()
    item._report_sections = []
    item.user_properties = []
    item.__dict__.pop("grader_submission", None)
