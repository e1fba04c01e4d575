"""The exercise on a web page, for a classroom: ``parity exercise SCENARIO --web``.

One process serves one exercise on 127.0.0.1 with the standard library's
``http.server``; the page is rendered by Jinja2 from ``templates/exercise.html``, and
everything it shows (its style, its few lines of script, the staff figure) is served by
the process: nothing is fetched from elsewhere, so it works without the internet.

Each played side (the instructor for all of them, or a team in its own tab:
``/?side=US``) adds moves to its orders for the turn from forms and submits them, or no
move; when every played side has submitted, the engine (``sim.exercise.engine``) plays
the turn and every tab shows the next one (a tab that waits reloads by itself). A move
the engine refuses is explained on the page (status 400) with the values typed kept.
After the last turn, or the Finish button, the engine writes everything and the page
links the files written, which the process serves.

Routes: ``GET /`` the page (``?side=`` one side's tab), ``GET /staff.png`` the staff
figure of the path so far, ``GET /turn`` the turn's stamp (for waiting tabs),
``GET /files/NAME`` a file written; ``POST /order`` (a move: add it, or ``preview`` what it
would do), ``/withdraw``, ``/submit``, ``/reopen`` and ``/finish``.
"""

from __future__ import annotations

import errno
import mimetypes
import re
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from sim.errors import ParityUserError, clip
from sim.exercise.engine import (
    Exercise,
    ExerciseError,
    Finished,
    LegalMove,
    Param,
    Played,
)
from sim.exercise.terminal import number as figure
from sim.moves import Move
from sim.scenario.checks import one_of
from sim.words import move_words

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The only address served: the page is for the machine it runs on.
HOST = "127.0.0.1"
#: The port tried first when none is given; a free one is taken if it is in use.
DEFAULT_PORT = 8765
#: Largest form accepted, in bytes (a turn's form is well under 1 kB).
MAX_FORM_BYTES = 65_536
#: Seconds between two looks at the turn by a tab waiting for the other sides.
POLL_SECONDS = 2
#: The figures of each mission shown, with their words and the digits shown.
SHOWN_METRICS = (
    ("staff_total", "staff", 0),
    ("staff_expat", "diplomats and staff sent", 0),
    ("staff_local", "local employees", 0),
    ("posts_open", "posts open", 0),
    ("visa_queue", "waiting for the host's visas", 0),
    ("consular_output", "visas to the public a month", 0),
    ("visa_wait_days", "interview wait (days)", 0),
    ("work_capacity", "work (diplomat-days a month)", 0),
    ("cost_per_head", "cost a head (thousands a year)", 0),
    ("restrictions_in_force", "restrictions in force on it", 0),
)
#: A web address in a move's source, and what may trail it without being part of it.
URL = re.compile(r"https?://[^\s;,<>\"']+")
URL_TAIL = ".)]"


class Conflict(ExerciseError):
    """A request made on a turn that has moved on, or after the exercise is over."""


@dataclass
class Orders:
    """A side's moves for the turn, and whether it has submitted them."""

    moves: list[Move] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)
    submitted: bool = False


class Classroom:
    """One exercise shared by every tab: the engine, each side's orders for the turn, the
    turns played, all behind one lock (the engine serves one request at a time).
    """

    def __init__(self, exercise: Exercise,
                 on_finish: Callable[[Finished], None] | None = None):
        self.ex = exercise
        self.lock = threading.RLock()
        self.orders = {side: Orders() for side in exercise.played_sides}
        self.played: list[Played] = []
        self.finished: Finished | None = None
        self.on_finish = on_finish
        self._figure: tuple[str, bytes] | None = None

    @property
    def stamp(self) -> str:
        """Changes when the turn does: tabs waiting for it reload when it changes."""
        return "over" if self.finished else str(len(self.played))

    # -- what a side does ----------------------------------------------------------------

    def side(self, side: str) -> Orders:
        """The orders of a played side (a side not played is explained)."""
        if side not in self.orders:
            raise ExerciseError(f"side '{clip(side)}' is not played in this exercise "
                                f"{one_of(side, list(self.orders))}")
        return self.orders[side]

    def _open(self, side: str, turn: str) -> Orders:
        """The side's orders, if the request was made on the turn being played."""
        if self.finished is not None or self.ex.turn is None:
            raise Conflict("the exercise is over: no more moves")
        orders = self.side(side)
        if turn != str(self.ex.turn.number):
            raise Conflict(f"that form was for turn {clip(turn)}; this is turn "
                           f"{self.ex.turn.number}, on {self.ex.turn.date}: nothing was "
                           "done, choose again")
        return orders

    def build(self, side: str, turn: str, name: str, params: Mapping[str, str]) -> Move:
        """The move a form asks for, built and checked by the engine."""
        with self.lock:
            self._open(side, turn)
            return self.ex.move(side, name, params)

    def preview(self, side: str, turn: str, name: str, params: Mapping[str, str]) -> str:
        """What the move a form asks for would do now, in words."""
        with self.lock:
            move = self.build(side, turn, name, params)
            return f"{move_words(move, self.ex.base)}: {self.ex.effect(move)}"

    def order(self, side: str, turn: str, name: str, params: Mapping[str, str]) -> None:
        """Add a move to the side's orders for the turn."""
        with self.lock:
            orders = self._open(side, turn)
            if orders.submitted:
                raise Conflict(f"{side} has submitted its orders; take them back (Change "
                               "orders) to add a move")
            move = self.build(side, turn, name, params)
            orders.moves.append(move)
            orders.effects.append(self.ex.effect(move))

    def withdraw(self, side: str, turn: str, index: str) -> None:
        """Take a move out of the side's orders."""
        with self.lock:
            orders = self._open(side, turn)
            if orders.submitted:
                raise Conflict(f"{side} has submitted its orders; take them back first")
            if not index.isdigit() or int(index) >= len(orders.moves):
                raise ExerciseError(f"no order number {clip(index)} to take back")
            del orders.moves[int(index)], orders.effects[int(index)]

    def submit(self, side: str, turn: str) -> None:
        """The side's orders are final; the turn is played once every side's are."""
        with self.lock:
            self._open(side, turn).submitted = True
            if all(o.submitted for o in self.orders.values()):
                self._play()

    def reopen(self, side: str, turn: str) -> None:
        """Take back a submission while another side has not submitted yet."""
        with self.lock:
            self._open(side, turn).submitted = False

    def _play(self) -> None:
        moves = [m for side in self.ex.played_sides for m in self.orders[side].moves]
        self.played.append(self.ex.play(moves))
        self.orders = {side: Orders() for side in self.ex.played_sides}
        if self.ex.turn is None:
            self.finish()

    def finish(self) -> Finished:
        """Write everything (once); the turns not played are turns without a move."""
        with self.lock:
            if self.finished is None:
                self.finished = self.ex.finish()
                if self.on_finish is not None:
                    self.on_finish(self.finished)
            return self.finished

    # -- what the page shows -------------------------------------------------------------

    def staff_png(self) -> bytes:
        """The staff figure of the path so far (drawn once a turn)."""
        with self.lock:
            if self._figure is None or self._figure[0] != self.stamp:
                self._figure = (self.stamp, png(path_figure(self.ex)))
            return self._figure[1]

    def file(self, name: str) -> Path | None:
        """A file ``finish`` wrote, by its name there (None: not one of them)."""
        with self.lock:
            if self.finished is None or name not in self.finished.files:
                return None
            return self.finished.out / name


def path_figure(exercise: Exercise) -> Figure:
    """The staff figure (``sim.plots.plot_staff``) of the scenario played so far, read back
    from its run's files like any run's figures: its lines stop at the current turn.
    """
    from sim.output import write_run_files
    from sim.plots import plot_staff
    from sim.results import read_events, read_summary, read_timeseries

    with tempfile.TemporaryDirectory(prefix="parity-exercise-") as tmp:
        run = Path(tmp)
        write_run_files(exercise.so_far, run, figures=False)
        return plot_staff(read_timeseries(run / "timeseries.csv"),
                          read_events(run / "events.csv"), read_summary(run / "summary.json"))


def png(fig: Figure) -> bytes:
    """A figure as PNG bytes, saved as a run's figures are (no version metadata)."""
    from sim.plots import save_figure

    with tempfile.TemporaryDirectory(prefix="parity-exercise-") as tmp:
        return save_figure(fig, Path(tmp) / "figure.png").read_bytes()


@dataclass
class Form:
    """A form sent back with a message: its side and move, and the values typed."""

    side: str = ""
    move: str = ""
    values: dict[str, list[str]] = field(default_factory=dict)
    message: str = ""
    error: bool = False


def source_parts(source: str) -> list[tuple[str, str | None]]:
    """A move's source as text and links: ``[(text, None), (url, url), ...]``."""
    parts: list[tuple[str, str | None]] = []
    at = 0
    for match in URL.finditer(source):
        url = match[0].rstrip(URL_TAIL)
        parts += [(source[at:match.start()], None), (url, url)]
        at = match.start() + len(url)
    parts.append((source[at:], None))
    return [(text, url) for text, url in parts if text]


def shown_value(param: Param, legal: LegalMove, form: Form, side: str) -> Any:
    """The value a move's form shows: what was typed in it, if it comes back with a
    message; else the example's value, else the parameter's default. A list for ticks.
    """
    ticks = input_kind(param) == "checkboxes"
    if form.side == side and form.move == legal.name:
        typed = form.values.get(f"p.{param.name}", [])
        return typed if ticks else (typed[0] if typed else "")
    value = legal.example_params.get(param.name, param.default)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if ticks or isinstance(value, list):
        return [str(v) for v in value or []]
    return "" if value is None else str(value)


def typed_note(legal: LegalMove, form: Form, side: str) -> str:
    """The note typed in a move's form that comes back with a message."""
    if form.side == side and form.move == legal.name:
        return form.values.get("p.note", [""])[0]
    return ""


def input_kind(param: Param) -> str:
    """How a parameter is typed on the page: from a list, ticked, or in a box."""
    if param.choices:
        return "checkboxes" if param.kind.startswith("list") else "select"
    return {"whole number": "integer", "number": "number", "date": "date",
            "yes/no": "yesno"}.get(param.kind, "text")


_environment = Environment(loader=PackageLoader("sim.exercise", "templates"),
                           autoescape=select_autoescape(["html"]), trim_blocks=True,
                           lstrip_blocks=True)
_environment.filters.update(figure=figure, source_parts=source_parts)
_environment.globals.update(shown_value=shown_value, typed_note=typed_note,
                            input_kind=input_kind, metrics=SHOWN_METRICS,
                            poll_seconds=POLL_SECONDS)


def render(room: Classroom, tab: str | None, form: Form | None = None,
           error: str = "") -> str:
    """The page: the turn for every played side, or for ``tab``'s side alone."""
    with room.lock:
        ex, done = room.ex, room.finished
        sides = [tab] if tab else list(ex.played_sides)
        unsubmitted = [s for s, o in room.orders.items() if not o.submitted]
        form = form or Form()
        return _environment.get_template("exercise.html").render(
            ex=ex, turn=ex.turn, room=room, sides=sides, tab=tab, form=form,
            message_on_top=bool(form.message) and not _in_its_form(room, form, sides),
            error=error, last=room.played[-1] if room.played else None, finished=done,
            stamp=room.stamp, unsubmitted=unsubmitted,
            waiting=ex.turn is not None and not set(sides) & set(unsubmitted),
            top_files=[f for f in done.files if "/" not in f] if done else [],
            figure_files=[f for f in done.files if f.startswith("figures/")] if done else [])


def _in_its_form(room: Classroom, form: Form, sides: list[str]) -> bool:
    """Whether the page shows the form a message is about (else it shows on top)."""
    turn = room.ex.turn
    if turn is None or form.side not in sides or room.orders[form.side].submitted:
        return False
    return form.move in {m.name for m in turn.legal[form.side]}


# -- HTTP --------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """Serves one classroom: its page, figure and files; its forms change it."""

    server: ClassroomServer
    server_version = "Parity"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the instructor's terminal shows the address and what is written."""

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def _answer(self, handle: Callable[[], None]) -> None:
        """Run a handler; a player's mistake is a page with the message, never a 500."""
        try:
            if not self._trusted():
                return self._plain(HTTPStatus.FORBIDDEN, "This page is served to "
                                   f"http://{HOST}:{self.server.port}/ only.")
            handle()
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception:  # a bug: say so on the page and in the terminal, keep serving
            traceback.print_exc(file=sys.stderr)
            self._plain(HTTPStatus.INTERNAL_SERVER_ERROR,
                        "Internal error: see the terminal running parity.")

    def _trusted(self) -> bool:
        """The request names this server (not a page elsewhere reaching it through a
        name that resolves here) and, for a form, comes from its own page.
        """
        ours = {f"{HOST}:{self.server.port}", f"localhost:{self.server.port}"}
        origin = self.headers.get("Origin")
        return self.headers.get("Host", "") in ours and (
            origin is None or origin.removeprefix("http://") in ours)

    # -- GET ---------------------------------------------------------------------------

    def _get(self) -> None:
        url = urlsplit(self.path)
        room = self.server.room
        if url.path == "/":
            tab, error = self._tab(parse_qs(url.query).get("side", [""])[0])
            status = HTTPStatus.BAD_REQUEST if error else HTTPStatus.OK
            self._html(status, render(room, tab, error=error))
        elif url.path == "/staff.png":
            self._send(HTTPStatus.OK, room.staff_png(), "image/png")
        elif url.path == "/turn":
            self._send(HTTPStatus.OK, room.stamp.encode(), "text/plain; charset=utf-8")
        elif url.path.startswith("/files/"):
            path = room.file(url.path.removeprefix("/files/"))
            if path is None:
                return self._plain(HTTPStatus.NOT_FOUND, "No such file written (yet).")
            self._send(HTTPStatus.OK, path.read_bytes(), content_type(path))
        else:
            self._plain(HTTPStatus.NOT_FOUND, "Nothing here: the exercise is at /.")

    def _tab(self, side: str) -> tuple[str | None, str]:
        """The side a tab shows (None: all), or why it cannot show that side."""
        if not side:
            return None, ""
        try:
            self.server.room.side(side)
        except ExerciseError as exc:
            return None, str(exc)
        return side, ""

    # -- POST --------------------------------------------------------------------------

    def _post(self) -> None:
        actions: dict[str, Callable[[dict[str, list[str]]], str | None]] = {
            "/order": self._order, "/withdraw": self._withdraw, "/submit": self._submit,
            "/reopen": self._reopen, "/finish": self._finish}
        action = actions.get(urlsplit(self.path).path)
        if action is None:
            return self._plain(HTTPStatus.NOT_FOUND, "No such form.")
        values = self._form()
        if values is None:
            return None
        tab = self._tab(_one(values, "tab"))[0]
        try:
            anchor = action(values)
        except ExerciseError as exc:  # the form comes back with the message, values kept
            status = (HTTPStatus.CONFLICT if isinstance(exc, Conflict)
                      else HTTPStatus.BAD_REQUEST)
            form = Form(_one(values, "side"), _one(values, "move"), values, str(exc), True)
            return self._html(status, render(self.server.room, tab, form))
        except ParityUserError as exc:  # the output cannot be written: say where and why
            return self._html(HTTPStatus.CONFLICT, render(self.server.room, tab,
                                                          error=str(exc)))
        if anchor is not None:  # back to the page, where the change shows
            self._redirect("/" + (f"?side={tab}" if tab else "") + f"#{anchor}")
        return None

    def _form(self) -> dict[str, list[str]] | None:
        """The form's fields (None: refused, and answered)."""
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self._plain(HTTPStatus.LENGTH_REQUIRED, "A form must say its length.")
            return None
        if int(length) > MAX_FORM_BYTES:
            self._plain(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "That form is too large.")
            return None
        body = self.rfile.read(int(length)).decode("utf-8", "replace")
        return parse_qs(body, keep_blank_values=True)

    # Each form's action returns where on the page to go back to, or None if it answered.

    def _order(self, values: dict[str, list[str]]) -> str | None:
        """Add the move to the orders; or answer with what it would do (``preview``)."""
        room, side, turn = self.server.room, _one(values, "side"), _one(values, "turn")
        name, params = _one(values, "move"), move_params(values)
        if _one(values, "action") != "preview":
            room.order(side, turn, name, params)
            return f"orders-{side}"
        words = room.preview(side, turn, name, params)
        form = Form(side, name, values, f"It would be: {words}.")
        self._html(HTTPStatus.OK, render(room, self._tab(_one(values, "tab"))[0], form))
        return None

    def _withdraw(self, values: dict[str, list[str]]) -> str | None:
        self.server.room.withdraw(_one(values, "side"), _one(values, "turn"),
                                  _one(values, "index"))
        return f"orders-{_one(values, 'side')}"

    def _submit(self, values: dict[str, list[str]]) -> str | None:
        self.server.room.submit(_one(values, "side"), _one(values, "turn"))
        return "top"

    def _reopen(self, values: dict[str, list[str]]) -> str | None:
        self.server.room.reopen(_one(values, "side"), _one(values, "turn"))
        return f"orders-{_one(values, 'side')}"

    def _finish(self, values: dict[str, list[str]]) -> str | None:
        self.server.room.finish()
        return "top"

    # -- answers -------------------------------------------------------------------------

    def _send(self, status: HTTPStatus, body: bytes, content: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _html(self, status: HTTPStatus, page: str) -> None:
        self._send(status, page.encode("utf-8"), "text/html; charset=utf-8")

    def _plain(self, status: HTTPStatus, text: str) -> None:
        self._send(status, (text + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _redirect(self, where: str) -> None:
        """After a form that changed something: back to the page (reloading it does not
        send the form again).
        """
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _one(values: Mapping[str, list[str]], key: str) -> str:
    return values.get(key, [""])[0].strip()


def move_params(values: Mapping[str, list[str]]) -> dict[str, str]:
    """A move's parameters from its form (``p.NAME`` fields; ticked choices joined by
    commas, as the terminal writes a list); a field left empty is not given.
    """
    params = {key.removeprefix("p."): ",".join(v.strip() for v in given if v.strip())
              for key, given in values.items() if key.startswith("p.")}
    return {key: value for key, value in params.items() if value}


def content_type(path: Path) -> str:
    """What a written file is served as: text files are shown in the browser as text."""
    if path.suffix in (".yaml", ".md", ".csv", ".json"):
        return "text/plain; charset=utf-8"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class ClassroomServer(ThreadingHTTPServer):
    """The HTTP server of one classroom, on 127.0.0.1 only."""

    daemon_threads = True

    def __init__(self, room: Classroom, port: int):
        self.room = room
        super().__init__((HOST, port), Handler)
        self.port = int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"


def open_server(room: Classroom, port: int | None) -> ClassroomServer:
    """The server on ``port``, or on 8765 (a free port if that one is taken)."""
    if port is not None and not 0 <= port <= 65535:
        raise ParityUserError(f"--port {port}: must be from 1 to 65535 (0: any free port)")
    try:
        return ClassroomServer(room, DEFAULT_PORT if port is None else port)
    except OSError as exc:
        if port is None and exc.errno == errno.EADDRINUSE:
            return ClassroomServer(room, 0)
        why = "in use by another program" if exc.errno == errno.EADDRINUSE else \
            (exc.strerror or str(exc)).lower()
        raise ParityUserError(f"--port {port}: cannot serve on it: {why}; give another "
                              "--port, or none for a free one") from None


def serve(exercise: Exercise, port: int | None, say: Callable[[str], None],
          on_finish: Callable[[Finished], None]) -> None:
    """Serve the exercise until Ctrl-C (which ``sim.cli`` turns into exit 130)."""
    room = Classroom(exercise, on_finish)
    with open_server(room, port) as server:
        say(address_line(server.url, exercise.played_sides))
        server.serve_forever()


def address_line(url: str, sides: list[str]) -> str:
    """The one line saying where the page is (and each team's tab, if several play)."""
    teams = ", ".join(f"{url}?side={side}" for side in sides)
    return (f"Exercise page: {url}" + (f" (a tab per team: {teams})" if len(sides) > 1
                                       else "") + "; Ctrl-C stops it")
