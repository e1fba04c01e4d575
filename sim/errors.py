"""Errors a user can cause, reported as one line each and never as a traceback."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

#: Longest line the command prints, in characters, its ``error: `` or ``warning: `` included.
MAX_LINE = 500
#: Longest a single problem may be, in characters: printed after ``warning: `` (the longer
#: prefix), it still fits in ``MAX_LINE``. Values echoed in messages are shortened by
#: :func:`shown` first; this cap is the last resort, so that a message about a 10 MB value
#: is still one readable line.
MAX_MESSAGE = MAX_LINE - len("warning: ")

#: How many characters of a value a message echoes (see :func:`shown`).
SHOWN = 60


class ParityUserError(Exception):
    """A mistake in the user's input: the command line prints it and exits with status 2."""


class ScenarioError(ParityUserError):
    """One or more problems in a scenario file, each as ``file:line: message``."""

    def __init__(self, problems: list[str]):
        self.problems = [capped(one_line(p)) for p in problems]
        super().__init__("\n".join(self.problems))


#: Characters other than printable ASCII: the candidates for :func:`printable`.
_NOT_ASCII = re.compile(r"[^\x20-\x7e]")
#: Unicode categories shown escaped: control characters (C0, DEL and C1: a terminal obeys
#: ``ESC [2J``), format characters (bidi overrides such as U+202E, zero-width spaces and
#: joiners: they reorder or hide what is shown), line and paragraph separators (they
#: break a message over lines), and lone surrogates (no terminal or file can take them).
_ESCAPED = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    return repr(char)[1:-1] if unicodedata.category(char) in _ESCAPED else char


def printable(text: str) -> str:
    r"""``text`` with every control, format or separator character, and every lone
    surrogate, shown as its Python escape (``\x1b``, ``\u202e``, ``\n``): what the
    user wrote, made safe to print.
    """
    return _NOT_ASCII.sub(_escape, text)


def one_line(text: str) -> str:
    """A message kept on one printable line: line breaks, control and format characters in
    the user's text are shown escaped (see :func:`printable`), and so are lone
    surrogates, which no terminal or file could take.
    """
    return printable(text)


def capped(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: Any, limit: int = SHOWN) -> str:
    """``repr(value)`` short enough to echo in a message, dates as the file writes them
    (``[2021-05-01]``): a 10,000-character name is cut to ``limit`` characters and
    marked with an ellipsis, a long list or mapping described in words.
    """
    text = _repr(value, limit + 1)
    if len(text) > limit and isinstance(value, dict | list):
        text = _described(value)
    return capped(printable(text), limit)


def _repr(value: Any, budget: int) -> str:
    """``repr(value)`` with dates in ISO form, built only until it is ``budget`` long."""
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        parts: list[str] = []
        for key, item in items:
            part = _repr(item, budget)
            parts.append(part if key is None and isinstance(value, list)
                         else f"{_repr(key, budget)}: {part}")
            if sum(len(p) + 2 for p in parts) > budget:
                break
        inside = ", ".join(parts)
        return f"[{inside}]" if isinstance(value, list) else f"{{{inside}}}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value[:budget])
    return _huge(value) or repr(value)


def clip(value: Any, limit: int = SHOWN) -> str:
    """``str(value)`` short enough to echo in a message, its control and format characters
    escaped (see :func:`shown` and :func:`printable`).
    """
    text = _huge(value) or str(value)
    return capped(printable(text[: limit + 1]), limit)


def _described(value: dict[Any, Any] | list[Any]) -> str:
    """A long list or mapping in words: what it is, its size, a mapping's first keys."""
    if isinstance(value, list):
        return f"a list of {len(value):,} item{'s' * (len(value) != 1)}"
    keys = ", ".join(shown(k, 20) for k in list(value)[:3])
    return f"a mapping of {len(value):,} keys: {keys}" if len(value) > 1 else f"a mapping: {keys}"


def _huge(value: Any) -> str | None:
    """How an int too long to print is described: Python refuses to convert an int of
    more than 4,300 digits to text (a YAML ``0x`` number can be that long).
    """
    if isinstance(value, int) and value.bit_length() > 1000:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"a number of about {digits:,} digits"
    return None
