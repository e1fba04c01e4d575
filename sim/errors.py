"""Errors a user can cause, reported as one line each and never as a traceback."""

from __future__ import annotations


class ParityUserError(Exception):
    """A mistake in the user's input: the command line prints it and exits with status 2."""


class ScenarioError(ParityUserError):
    """One or more problems in a scenario file, each as ``file:line: message``."""

    def __init__(self, problems: list[str]):
        self.problems = [one_line(p) for p in problems]
        super().__init__("\n".join(self.problems))


#: Characters that would break a message over lines, and how they are shown instead.
_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: str) -> str:
    """A message kept on one line: line breaks in the user's text are shown escaped."""
    return text.translate(_BREAKS)
