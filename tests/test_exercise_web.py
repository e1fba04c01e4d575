"""The exercise's web page over HTTP: the turn shown, forms posted, bad input answered on
the page, only 127.0.0.1 served, nothing fetched from elsewhere, the written scenario
replaying to the same bytes, and the command stopped by Ctrl-C.
"""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
import yaml

from sim.cli import main
from sim.exercise.web import ClassroomServer, address_line, path_figure
from tests.webpage import FROM, RECORD, ROOT, fetched, request, serving


def order(move: str, turn: int = 1, side: str = "US", **params: object) -> dict:
    """A move's form as the page sends it."""
    return {"side": side, "turn": str(turn), "tab": "", "move": move, "action": "order",
            **{f"p.{k}": v for k, v in params.items()}}


def turn_of(side: str = "US", turn: int = 1) -> dict:
    """The fields of a form acting on a side's orders for a turn."""
    return {"side": side, "turn": str(turn), "tab": ""}


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Iterator[ClassroomServer]:
    """One server for the tests that must leave it as it was (they check that they do)."""
    with serving(tmp_path_factory.mktemp("shared") / "out") as server:
        yield server
        assert server.room.ex.index == 0 and server.room.finished is None


def test_the_page_shows_the_turn_the_missions_and_the_moves_as_forms(shared):
    """Turn, date, each mission's figures and restrictions in words, the legal moves as
    forms with their choices, and what each would do.
    """
    ex, page = shared.room.ex, request(shared.url)
    text = page.text
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert f"Turn 1 of {len(ex.dates)}: {ex.dates[0]}" in text
    assert "US mission in Russia (US)" in text and "Russian mission in the US (RU)" in text
    assert "Ceiling of 455 staff, enforced after 35 days" in text  # in force on the US
    assert "relations: tension" in text
    assert '<form class="move" method="post" action="/order#move-US-close_post">' in text
    close = text[text.index('id="move-US-close_post"'):text.index('id="move-US-reopen_post"')]
    assert '<option value="houston" selected>Consulate General Houston' in close
    assert "would take" in close


def test_a_move_ordered_from_a_form_is_played_with_the_record_beside_it(tmp_path):
    """Order an expulsion of 30, submit: the turn is played, and the page shows the move,
    the record's expulsion of 10 at that point with its sources as links, and turn 2.
    """
    with serving(tmp_path / "out") as server:
        added = request(server.url + "order", order("expel", count=30))
        ordered = request(server.url).text
        submitted = request(server.url + "submit", turn_of())
        stamp = request(server.url + "turn").text
        page = request(server.url).text
        second = server.room.ex.dates[1]
    assert (added.status, added.headers["Location"]) == (303, "/#orders-US")
    assert "Expulsion of 30 staff, to leave within 7 days: would take" in ordered
    assert "Submit US's orders: 1 move" in ordered
    assert (submitted.status, stamp) == (303, "1")
    assert "Turn 2 of" in page and str(second) in page
    played = page[page.index("Turn 1, "):page.index('id="side-US"')]
    assert "US: Expulsion of 30 staff" in played
    assert "US: Expulsion of 10 staff" in played  # the record, from the base scenario
    assert re.search(r'<a href="https://[^"]+" rel="noreferrer noopener"', played)


@pytest.mark.parametrize(("form", "status", "message"), [
    (order("expel", count="abc"), 400, "expel: count abc: input should be a valid integer"),
    (order("expel"), 400, "expel needs count"),
    (order("bogus"), 400, "unknown move &#39;bogus&#39;"),
    (order("close_post", post="atlantis"), 400, "close_post: post"),
    (order("lift", measure="ru-cap-455-2017"), 400, "lift: measure"),
    (order("expel", side="XX", count=3), 400, "side &#39;XX&#39; is not played"),
    (order("expel", turn=7, count=3), 409, "that form was for turn 7"),
])
def test_bad_input_is_explained_on_the_page_and_nothing_is_done(shared, form, status,
                                                                message):
    """A form the engine refuses comes back with its one-line message (400, or 409 for a
    turn that is not the current one), never a 500, and nothing is ordered.
    """
    answer = request(shared.url + "order", form)
    orders = shared.room.orders["US"].moves
    assert answer.status == status, answer.text[:300]
    assert message in answer.text
    assert 'role="alert"' in answer.text and orders == []


def test_a_value_refused_is_shown_again_in_its_form(shared):
    """The form comes back open, with what was typed, so it can be corrected."""
    text = request(shared.url + "order", order("expel", count="abc")).text
    form = text[text.index('id="move-US-expel"'):text.index('id="move-US-staff_cap"')]
    assert 'id="move-US-expel" open>' in form
    assert 'name="p.count" value="abc"' in form and "valid integer" in form


@pytest.mark.parametrize(("method", "path", "fields", "headers", "status"), [
    ("GET", "nothing", None, {}, 404),
    ("POST", "nothing", {}, {}, 404),
    ("GET", "files/exercise.yaml", None, {}, 404),  # nothing written yet
    ("GET", "files/../../../etc/passwd", None, {}, 404),
    ("GET", "?side=XX", None, {}, 400),
    ("POST", "withdraw", {"side": "US", "turn": "1", "index": "5"}, {}, 400),
    ("POST", "submit", {"side": "US", "turn": "x"}, {}, 409),
    ("GET", "", None, {"Host": "example.org"}, 403),  # another name resolving here
    ("POST", "submit", {"side": "US", "turn": "1"}, {"Origin": "http://example.org"}, 403),
])
def test_odd_requests_are_answered_not_crashed_on(shared, method, path, fields, headers,
                                                  status):
    """Unknown pages, files not written, a side not played, a page elsewhere posting to
    this one: each gets its status and the turn stays where it was.
    """
    answer = request(shared.url + path, {} if method == "POST" and fields is None
                     else fields, headers)
    assert answer.status == status, answer.text[:300]
    assert shared.room.ex.index == 0 and shared.room.orders["US"].moves == []


def test_a_form_too_large_is_refused(shared):
    """A body over 64 kB is not read: 413."""
    assert request(shared.url + "order", body=b"a" * 70_000).status == 413


def test_only_the_loopback_address_is_served(shared):
    """The server listens on 127.0.0.1, nowhere else, and says so in its address."""
    host, port = shared.socket.getsockname()
    assert host == "127.0.0.1" and shared.url == f"http://127.0.0.1:{port}/"


def test_the_page_fetches_nothing_from_elsewhere(tmp_path):
    """Every script, style, image and font the turn's page, a refused form's page and the
    written page load is served by the process (a path on it, no other host).
    """
    with serving(tmp_path / "out") as server:
        pages = [request(server.url).text,
                 request(server.url + "order", order("expel", count="x")).text]
        request(server.url + "finish", {"tab": ""})
        pages.append(request(server.url).text)
    for page in pages:
        urls = fetched(page)
        assert "/staff.png?turn=0" in urls or "/staff.png?turn=over" in urls
        assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls


def test_finishing_writes_everything_and_the_page_links_the_files(tmp_path):
    """Finish: the scenario, the run, the base run and the brief are written, the page
    links them, and the process serves them (only them).
    """
    out = tmp_path / "out"
    with serving(out) as server:
        finished = request(server.url + "finish", {"tab": ""})
        page = request(server.url).text
        scenario = request(server.url + "files/exercise.yaml")
        brief = request(server.url + "files/brief.md")
        base = request(server.url + "files/base/summary.json")
        outside = request(server.url + "files/../out/exercise.yaml")
    assert (finished.status, finished.headers["Location"]) == (303, "/#top")
    assert "The exercise is written" in page and "0 of 22 turns played" in page
    assert '<a href="/files/exercise.yaml">' in page and '<a href="/files/brief.md">' in page
    assert scenario.status == 200 and scenario.text == (out / "exercise.yaml").read_text()
    assert brief.status == 200 and "# After-action brief" in brief.text
    assert base.status == 200 and outside.status == 404


def test_the_web_exercise_replays_to_the_same_bytes(tmp_path, capsys):
    """Two turns through the forms (a move, then no move), finished; `parity run` of the
    written exercise.yaml with the same seed writes the same files, byte for byte.
    """
    out = tmp_path / "out"
    with serving(out, seed=5) as server:
        request(server.url + "order", order("expel", count=30))
        request(server.url + "order", order("lift", measure="us-visa-2020"))
        request(server.url + "submit", turn_of())
        request(server.url + "submit", turn_of(turn=2))
        request(server.url + "finish", {"tab": ""})
    written = yaml.safe_load((out / "exercise.yaml").read_text(encoding="utf-8"))
    assert [m["move"] for m in written["moves"]] == ["expel", "lift"]
    replay = tmp_path / "replay"
    assert main(["run", str(out / "exercise.yaml"), "--seed", "5", "--out", str(replay),
                 "--no-figures"]) == 0
    capsys.readouterr()
    names = sorted(p.name for p in replay.iterdir()
                   if p.is_file() and p.name not in ("timing.json", ".parity-output"))
    assert names == ["events.csv", "measures.csv", "summary.json", "timeseries.csv"]
    for name in names:
        assert (replay / name).read_bytes() == (out / name).read_bytes(), name


def test_with_both_sides_played_the_turn_waits_for_every_side(tmp_path):
    """`--play both`: the US submits and waits (its tab says so, without move forms); the
    turn is played when Russia submits too, with both sides' moves.
    """
    with serving(tmp_path / "out", play="both") as server:
        request(server.url + "order", order("expel", count=3))
        request(server.url + "submit", turn_of())
        us_tab = request(server.url + "?side=US").text
        ru_tab = request(server.url + "?side=RU").text
        stamp = request(server.url + "turn").text
        request(server.url + "order", order("expel", side="RU", count=4))
        request(server.url + "submit", turn_of(side="RU"))
        after = request(server.url + "turn").text
        request(server.url + "finish", {"tab": ""})
    assert stamp == "0" and after == "1"
    assert "US has submitted; waiting for RU" in us_tab and 'id="move-US-expel"' not in us_tab
    assert 'id="move-RU-expel"' in ru_tab and 'id="move-US-expel"' not in ru_tab
    written = yaml.safe_load((tmp_path / "out" / "exercise.yaml").read_text(encoding="utf-8"))
    assert [(m["actor"], m["count"]) for m in written["moves"]] == [("US", 3), ("RU", 4)]


def test_a_side_can_take_back_its_orders_and_a_submission(tmp_path):
    """Take back an order, reopen a submission: the turn is still the first."""
    with serving(tmp_path / "out", play="both") as server:
        request(server.url + "order", order("expel", count=3))
        request(server.url + "order", order("staff_cap", ceiling=250))
        request(server.url + "withdraw", {**turn_of(), "index": "0"})
        request(server.url + "submit", turn_of())
        reopened = request(server.url + "reopen", {**turn_of(), "tab": "US"})
        orders = server.room.orders["US"]
        moves, submitted = [m.move for m in orders.moves], orders.submitted
    assert (reopened.status, reopened.headers["Location"]) == (303, "/?side=US#orders-US")
    assert moves == ["staff_cap"] and not submitted


def test_the_last_turn_finishes_the_exercise(tmp_path):
    """One decision point (every 2000 days from 2021): submitting it writes everything."""
    with serving(tmp_path / "out", turns=2000) as server:
        request(server.url + "submit", turn_of())
        page = request(server.url).text
        stamp = request(server.url + "turn").text
    assert stamp == "over" and "1 of 1 turns played" in page
    assert (tmp_path / "out" / "exercise.yaml").is_file()


def test_the_figure_is_the_staff_of_the_path_so_far(tmp_path):
    """The staff figure of the exercise's run: its lines stop at the current decision
    point and go on after a turn; the PNG served changes with them.
    """
    with serving(tmp_path / "out") as server:
        ex = server.room.ex
        before, first = path_figure(ex), request(server.url + "staff.png").body
        request(server.url + "submit", turn_of())
        after, second = path_figure(ex), request(server.url + "staff.png").body

    def last_day(fig):
        return max(np.datetime64(line.get_xdata()[-1], "D") for ax in fig.axes
                   for line in ax.lines)

    assert "exercise, US played from 2021-01-01: mission staff" in before._suptitle.get_text()
    for fig, date in ((before, ex.dates[0]), (after, ex.dates[1])):
        assert 0 <= (np.datetime64(date, "D") - last_day(fig)).astype(int) <= 7
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and second[:8] == first[:8] and first != second


# -- the command ----------------------------------------------------------------------------


def _listening(port: int) -> list[str]:
    """The local addresses (hex, as /proc/net/tcp* shows them) listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(address)
    return found


def test_the_command_serves_on_loopback_until_ctrl_c(tmp_path):
    """`parity exercise ... --web --port 0`: one line with the address; the page is served
    on 127.0.0.1 alone; Ctrl-C stops it with status 130 and nothing written.
    """
    out = tmp_path / "out"
    command = [sys.executable, "-m", "sim", "exercise", str(RECORD), "--play", "US", "--from",
               str(FROM), "--out", str(out), "--no-figures", "--web", "--port", "0"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=tmp_path)
    try:
        seen, deadline = b"", time.monotonic() + 120
        while b"\n" not in seen and time.monotonic() < deadline:
            if select.select([proc.stdout], [], [], 1.0)[0]:
                seen += os.read(proc.stdout.fileno(), 65536)
        line = seen.decode().splitlines()[0]
        url = re.search(r"http://\S+/", line)[0]
        page = request(url)
        listening = _listening(urlsplit(url).port)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert line.startswith("Exercise page: http://127.0.0.1:") and line.endswith(
        "Ctrl-C stops it")
    assert page.status == 200 and "Turn 1 of 22" in page.text
    assert listening == ["0100007F"]  # 127.0.0.1, and no other address
    assert proc.returncode == 130
    assert stderr.decode().strip() == "interrupted; nothing was written"
    assert not out.exists()


@pytest.mark.parametrize(("options", "message"), [
    (["--port", "8765"], "--port: only with --web"),
    (["--web", "--input", "moves.txt"], "--input: not with --web"),
    (["--web", "--port", "70000"], "--port 70000: must be from 1 to 65535"),
])
def test_web_option_mistakes_are_one_line(tmp_path, capsys, options, message):
    """Options that do not go together, or a port that cannot be: one line, status 2."""
    status = main(["exercise", str(RECORD), "--play", "US", "--from", str(FROM), "--out",
                   str(tmp_path / "out"), *options])
    stderr = capsys.readouterr().err
    assert status == 2 and message in stderr and len(stderr.splitlines()) == 1


def test_a_port_in_use_is_refused_in_one_line(tmp_path, capsys):
    """`--port N` taken by another program: one line saying so, status 2."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = main(["exercise", str(RECORD), "--play", "US", "--from", str(FROM), "--out",
                       str(tmp_path / "out"), "--web", "--port", str(port)])
    stderr = capsys.readouterr().err
    assert status == 2
    assert stderr == f"error: --port {port}: cannot serve on it: in use by another program; " \
                     "give another --port, or none for a free one\n"


def test_the_how_to_shows_the_line_the_command_prints():
    """docs/how-to/run-an-exercise.md shows the address line as `--play both` prints it
    on the default port (the command itself serves until Ctrl-C: the docs tests cannot
    run it).
    """
    page = (ROOT / "docs" / "how-to" / "run-an-exercise.md").read_text(encoding="utf-8")
    assert address_line("http://127.0.0.1:8765/", ["US", "RU"]) + "\n" in page


def test_an_output_taken_meanwhile_is_explained_and_finish_offered_again(tmp_path):
    """Someone's folder appears at --out during the exercise: Finish says why it cannot
    write there (409), writes nothing, and can be pressed again once the folder is gone.
    """
    out = tmp_path / "out"
    with serving(out) as server:
        out.mkdir()
        (out / "notes.txt").write_text("mine")
        refused = request(server.url + "finish", {"tab": ""})
        (out / "notes.txt").unlink()
        out.rmdir()
        finished = request(server.url + "finish", {"tab": ""})
    assert refused.status == 409 and "already exists" in refused.text
    assert 'id="finish-button"' in refused.text
    assert finished.status == 303 and (out / "exercise.yaml").is_file()
