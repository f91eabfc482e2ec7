"""Collecting every problem the checks before a browser find, so that a person learns of all of them at once.

A run with two problems (no saved sign-in and nobody at a terminal, and a file with the wrong columns) used to
report the first; the person fixed it and only then learnt of the second. The checks now run under a collector::

    with all_problems() as check:
        check(check_setup, settings)                  # settings, profile, sign-in, state folder
        check(check_input_file, path, sheet=sheet)    # the file's columns and rows
    # leaving the block raises the one problem found as it is, or :class:`Problems` naming them all

Each check is a function that raises one of the agent's errors (or :class:`Problems` of its own, whose problems
are taken one by one). A problem that is not the agent's (a bug) is not collected: it stops at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from agent.core.errors import AgentError, Problems

P = ParamSpec("P")
T = TypeVar("T")


class ProblemCollector:
    """Runs checks, keeping what each one finds instead of stopping at the first."""

    def __init__(self) -> None:
        self.found: list[AgentError] = []

    def __call__(self, check: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """Run one check; its result, or None when it found a problem (kept for :meth:`raise_found`)."""
        try:
            return check(*args, **kwargs)
        except Problems as many:
            self.found.extend(many.problems)
        except AgentError as problem:
            self.found.append(problem)
        return None

    def add(self, problem: AgentError) -> None:
        """Keep a problem found without a check function (a refusal the caller words itself)."""
        self.found.append(problem)

    def raise_found(self) -> None:
        """Raise what was found: nothing, the one problem as it is (its own type and exit code), or all of them.

        Raises:
            AgentError: the only problem found.
            Problems: two or more problems (exit 2: nothing was started).
        """
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise Problems(list(self.found))


@contextmanager
def all_problems() -> Iterator[ProblemCollector]:
    """A collector whose problems are raised together when the block ends (see the module's docstring)."""
    collector = ProblemCollector()
    yield collector
    collector.raise_found()
