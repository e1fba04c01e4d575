"""The exercise's web page served in a thread for a test, and requests to it with urllib."""

from __future__ import annotations

import datetime as dt
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from sim.exercise import Exercise
from sim.exercise.web import Classroom, ClassroomServer, open_server

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"
FROM = dt.date(2021, 1, 1)


@contextmanager
def serving(out: Path, **kwargs: Any) -> Iterator[ClassroomServer]:
    """An exercise on the record from 2021 (the US played unless told), served on a free
    port of 127.0.0.1 until the block ends.
    """
    kwargs.setdefault("play", "US")
    kwargs.setdefault("start", FROM)
    kwargs.setdefault("figures", False)
    server = open_server(Classroom(Exercise(RECORD, out=out, **kwargs)), 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _Stay(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to look at, not to follow."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_Stay)


@dataclass
class Answer:
    status: int
    body: bytes
    headers: Message

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(url: str, fields: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None, body: bytes | None = None) -> Answer:
    """GET ``url``, or POST ``fields`` as a form (lists as repeated fields)."""
    data = body if body is not None else (
        None if fields is None else urllib.parse.urlencode(fields, doseq=True).encode())
    try:
        with _OPENER.open(urllib.request.Request(url, data=data, headers=headers or {}),
                          timeout=120) as answer:
            return Answer(answer.status, answer.read(), answer.headers)
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.read(), exc.headers)


class Resources(HTMLParser):
    """What a page makes the browser fetch by itself: scripts, styles, images, fonts,
    frames, and addresses in its inline styles and scripts (links a person clicks,
    ``<a href>``, are not among them).
    """

    FETCHED: ClassVar[dict[str, str]] = {
        "script": "src", "img": "src", "iframe": "src", "source": "src",
        "audio": "src", "video": "src", "embed": "src", "object": "data", "link": "href",
        "input": "src"}
    INLINE = (re.compile(r"url\(\s*['\"]?([^'\")]+)"),
              re.compile(r"@import\s+['\"]([^'\"]+)"),
              re.compile(r"fetch\(\s*['\"]([^'\"]+)"),
              re.compile(r"['\"]((?:https?:)?//[^'\"]+)"))

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = self.FETCHED.get(tag)
        self.urls += [v or "" for k, v in attrs if k in (wanted, "srcset", "poster")]
        self._inline = tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._inline = False

    def handle_data(self, data: str) -> None:
        if self._inline:
            self.urls += [url for pattern in self.INLINE for url in pattern.findall(data)]


def fetched(page: str) -> list[str]:
    """The addresses a page makes the browser fetch by itself."""
    parser = Resources()
    parser.feed(page)
    return parser.urls
