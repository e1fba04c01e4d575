"""Errors a user can cause, reported as one line each and never as a traceback."""

from __future__ import annotations


class ParityUserError(Exception):
    """A mistake in the user's input: the command line prints it and exits with status 2."""


class ScenarioError(ParityUserError):
    """One or more problems in a scenario file, each as ``file:line: message``."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
