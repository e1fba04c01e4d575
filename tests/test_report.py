"""``parity report``: one self-contained HTML page a minister could read.

The runs are made once per module from two small scenario files written here (a
base and a what-if that drops a move), with ``--no-figures``, so the report's
figures are seen to be drawn fresh. ``SOURCE_DATE_EPOCH`` fixes the report's date.
"""

from __future__ import annotations

import base64
import fnmatch
import io
import json
import re
import shutil
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from sim.cli import main
from sim.destination import MANIFEST
from sim.report import figures as report_figures
from sim.report import is_report, write_report
from sim.report.contents import figure
from sim.report.scenario_file import find_scenario
from sim.report.settings import differences, side_groups
from sim.results import read_events, read_summary, read_timeseries
from sim.scenario import load_scenario
from sim.words import sentence

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1700000000"  # 2023-11-14 22:13 UTC
CHROMIUM = shutil.which("chromium") or next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]

BASE = """\
# Question: what if B expelled five of A's staff and capped A's mission at 80 in 2020?
#
# Two small missions over a year and a half: B expels five of A's staff in June and
# caps A's mission in September; A threatens, then bans B's local hires.
name: Small dispute for the report
start: 2020-01-01
end: 2021-06-30
seed: 11
sides:
  A:
    name: A mission in B
    posts:
      - {id: capital, name: Embassy, kind: embassy, expat: 40, local: 60, consular_share: 1}
    core_staff: 20
    consular_staff_max: 15
    consular_rate: 10
  B:
    name: B mission in A
    posts:
      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}
moves:
  - {date: 2020-06-01, actor: B, move: expel, count: 5,
     source: "https://example.org/expel ; https://news.example.com/b/expel?id=1&x=2"}
  - {date: 2020-07-15, actor: A, move: statement, kind: threat, note: A warns it will answer,
     source: "https://example.org/threat"}
  - {date: 2020-09-01, actor: B, move: staff_cap, ceiling: 80, notice_days: 30,
     source: "record #3 ; https://example.net/cap"}
  - {date: 2021-01-01, actor: A, move: local_hire_ban, notice_days: 10,
     source: "https://example.org/ban"}
"""
WHAT_IF = """\
# Question: what if A had not banned B's local hires in 2021?
extends: base.yaml
name: What if A did not ban local hires
drop_moves: {from: 2021-01-01, actor: A}
sides:
  A:
    tour_years: {low: 2, mode: 2.5, high: 4}
"""


# --- reading the page back -------------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag with its attributes, and the rows of every table with their cells'
    text and links, read from a page.
    """

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.rows: list[dict] = []
        self.styles: list[str] = []
        self._row: dict | None = None
        self._cell: dict | None = None
        self._style = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if tag == "tr":
            self._row = {"attrs": found, "cells": [], "hrefs": []}
            self.rows.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = {"tag": tag, "attrs": found, "text": ""}
            self._row["cells"].append(self._cell)
        elif tag == "a" and self._row is not None:
            self._row["hrefs"].append(found.get("href", ""))
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = self._cell = None
        elif tag in ("td", "th"):
            self._cell = None
        self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            self.styles.append(data)
        if self._cell is not None:
            self._cell["text"] += data


def section(html: str, name: str) -> str:
    """The HTML of one section of the page, by its id."""
    match = re.search(rf'<section id="{name}"[^>]*>.*?</section>', html, re.S)
    assert match, f"no section {name}"
    return match.group(0)


def text(cell: dict) -> str:
    return " ".join(cell["text"].split())


def table_rows(html: str, css_class: str) -> list[dict]:
    """The rows holding data (a ``td``) of the tables of a class in a fragment."""
    tables = re.findall(rf'<table class="{css_class}">.*?</table>', html, re.S)
    return [row for table in tables for row in Elements(table).rows
            if any(cell["tag"] == "td" for cell in row["cells"])]


def number(cell_text: str) -> float:
    """A number as the page shows it (``1,200``, ``+5``), the date under it ignored."""
    return float(cell_text.split()[0].replace(",", "").replace("+", ""))


# --- the runs, made once ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the two scenario files and their runs (tables only, no figures)."""
    root = tmp_path_factory.mktemp("report")
    (root / "base.yaml").write_text(BASE, encoding="utf-8")
    (root / "whatif.yaml").write_text(WHAT_IF, encoding="utf-8")
    for name in ("base", "whatif"):
        assert main(["run", str(root / f"{name}.yaml"), "--out", str(root / "runs" / name),
                     "--no-figures"]) == 0
    return root


@pytest.fixture(scope="module")
def sde() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield


@pytest.fixture(scope="module")
def one(place: Path, sde: None) -> Path:
    """The report of the base run, written where ``parity report`` writes it by default."""
    run = place / "runs" / "base"
    return write_report([run], run / "report.html")


@pytest.fixture(scope="module")
def html(one: Path) -> str:
    return one.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def two(place: Path, sde: None) -> str:
    """The report of the base run compared with the what-if (the first run's own figures
    left out: the single run's tests check them).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report_figures, "run_pictures", lambda _: [])
        out = write_report([place / "runs" / "base", place / "runs" / "whatif"],
                           place / "two.html")
    return out.read_text(encoding="utf-8")


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports without the run's nine figures, for tests of what else the command does."""
    monkeypatch.setattr(report_figures, "run_pictures", lambda _: [])


# --- what the page says ----------------------------------------------------------------------


def test_states_the_question_from_the_scenario_files_first_comment(html: str):
    """The question is the first paragraph of the file's opening comment, label removed."""
    quoted = re.findall(r'<blockquote class="question">(.*?)</blockquote>',
                        section(html, "question"), re.S)
    assert [q.strip() for q in quoted] == [
        "What if B expelled five of A&#39;s staff and capped A&#39;s mission at 80 in 2020?"]


def test_timeline_has_every_move_in_words_with_its_sources_linked(html: str, place: Path):
    """One row per row of events.csv, in order, saying what the words module says, with a
    link to every web address among its sources.
    """
    run = place / "runs" / "base"
    events, summary = read_events(run / "events.csv"), read_summary(run / "summary.json")
    rows = table_rows(section(html, "timeline"), "timeline")
    assert len(rows) == len(events) == 4
    for row, event in zip(rows, events, strict=True):
        assert text(row["cells"][1]).startswith(" ".join(sentence(event, summary).split()))
        web = [s for s in event["source"].split(" ; ") if s.startswith("https://")]
        assert row["hrefs"] == web


def test_timeline_says_moves_in_plain_words_not_parameters(html: str):
    """The expulsion and the ceiling read as a briefer would say them."""
    timeline = " ".join(section(html, "timeline").split())
    assert "B: Expulsion of 5 staff, to leave within 7 days, on the A mission in B" in timeline
    assert "Ceiling of 80 staff, enforced after 30 days" in timeline
    assert "ceiling=80" not in timeline


def test_statements_are_styled_apart_from_moves(html: str, place: Path):
    """The threat's row is a statement, the other rows moves, and statements are styled."""
    rows = table_rows(section(html, "timeline"), "timeline")
    kinds = [row["attrs"]["class"] for row in rows]
    assert kinds == ["move", "statement", "move", "move"]
    assert "tr.statement td" in "".join(Elements(html).styles)


def test_a_source_that_is_not_a_web_address_is_text_not_a_link(html: str):
    """``record #3`` is shown, and never made a link."""
    rows = table_rows(section(html, "timeline"), "timeline")
    cap = rows[2]
    assert "record #3" in text(cap["cells"][2])
    assert cap["hrefs"] == ["https://example.net/cap"]


def test_key_figures_are_the_runs_own_numbers(html: str, place: Path):
    """Each mission's staff at the start, end (summary.json) and lowest (timeseries.csv)."""
    run = place / "runs" / "base"
    summary, series = read_summary(run / "summary.json"), read_timeseries(run / "timeseries.csv")
    rows = {(r["attrs"].get("data-side"), r["attrs"].get("data-metric")): r
            for r in table_rows(section(html, "key-figures"), "key-figures")}
    for side in ("A", "B"):
        cells = {c["attrs"].get("data-column"): text(c) for c in rows[(side, "staff_total")]
                 ["cells"]}
        values = series[(side, "staff_total")][1]
        assert number(cells["end"]) == summary["final"][side]["staff_total"]
        assert number(cells["start"]) == values[0]
        assert number(cells["lowest"]) == values.min()
    consular = {c["attrs"].get("data-column"): text(c)
                for c in rows[("A", "consular_output")]["cells"]}
    assert number(consular["end"]) == pytest.approx(summary["final"]["A"]["consular_output"],
                                                    abs=0.5)


def test_the_summary_sentences_name_the_missions(html: str, place: Path):
    """The opening bullets say each mission's staff at the start and the end, by name."""
    summary = read_summary(place / "runs" / "base" / "summary.json")
    brief = " ".join(re.sub(r"<[^>]+>", "", section(html, "question")).split())
    final = summary["final"]["A"]["staff_total"]
    assert f"A mission in B: staff 100 at the start, {final} at the end" in brief


def test_provenance_names_file_hash_seed_version_and_date(html: str, place: Path):
    """The run's file, SHA-256, seed and version, and the report's date from
    SOURCE_DATE_EPOCH.
    """
    summary = read_summary(place / "runs" / "base" / "summary.json")
    provenance = section(html, "provenance")
    for value in ("base.yaml", summary["sha256"], str(summary["seed"]), summary["version"]):
        assert value in provenance
    assert "2023-11-14 22:13 UTC" in provenance


def test_figures_are_drawn_even_for_a_run_written_without_them(html: str, place: Path):
    """The run has no figures/ folder; the page still shows its nine figures."""
    assert not (place / "runs" / "base" / "figures").exists()
    images = [attrs for tag, attrs in Elements(section(html, "figures")).tags if tag == "img"]
    assert len(images) == 9
    assert all(attrs["alt"] for attrs in images)


def test_every_image_is_an_embedded_png(html: str):
    """Each <img> is a data: URI holding a PNG, so nothing is fetched."""
    for tag, attrs in Elements(html).tags:
        if tag == "img":
            prefix, _, payload = attrs["src"].partition(",")
            assert prefix == "data:image/png;base64"
            assert base64.b64decode(payload)[:8] == b"\x89PNG\r\n\x1a\n"


def test_nothing_is_fetched_from_elsewhere(html: str):
    """No script, stylesheet link, font or remote URL: only the timeline's links leave the
    page.
    """
    elements = Elements(html)
    assert not [tag for tag, _ in elements.tags if tag in ("script", "link", "iframe",
                                                           "object", "embed")]
    for tag, attrs in elements.tags:
        for key in ("src", "href", "srcset", "poster", "data", "action"):
            value = attrs.get(key, "")
            if tag == "a" and key == "href":
                continue
            assert "//" not in value.split(",", 1)[0] and "http" not in value[:8], (tag, key)
    style = "".join(elements.styles)
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    sources = {a["href"] for tag, a in Elements(section(html, "timeline")).tags if tag == "a"}
    links = [a["href"] for tag, a in elements.tags if tag == "a"]
    assert links and all(href.startswith("#") or href in sources for href in links)


def test_print_stylesheet_paginates_and_shows_link_addresses(html: str):
    """Sections start on a new page, figures are not split, links print their address."""
    style = "".join(Elements(html).styles)
    printed = style[style.index("@media print"):]
    assert "section.chapter { break-before: page; }" in printed
    assert re.search(r"figure[^{]*\{[^}]*break-inside: avoid", printed)
    assert 'a[href^="http"]::after' in printed and "attr(href)" in printed


def test_the_same_runs_give_the_same_bytes(one: Path, place: Path, sde: None):
    """Written again, elsewhere, the report is identical byte for byte."""
    again = write_report([place / "runs" / "base"], place / "again.html")
    assert again.read_bytes() == one.read_bytes()


def test_the_report_carries_its_own_hash(one: Path, tmp_path: Path):
    """Parity knows its report by its seal, and an edited copy is no longer its own."""
    assert is_report(one)
    edited = tmp_path / "edited.html"
    edited.write_text(one.read_text(encoding="utf-8").replace("Key figures", "Key numbers"),
                      encoding="utf-8")
    assert not is_report(edited)


def test_written_into_a_run_it_joins_the_runs_manifest(one: Path, place: Path,
                                                       capsys: pytest.CaptureFixture[str]):
    """The report in a run's folder is listed in its manifest, so `parity run --force`
    still recognises the folder as Parity's and replaces it.
    """
    manifest = json.loads((one.parent / MANIFEST).read_text(encoding="utf-8"))
    assert "report.html" in manifest["files"]
    copy = place / "copy-of-base"
    shutil.copytree(one.parent, copy)
    assert main(["run", str(place / "base.yaml"), "--out", str(copy), "--force",
                 "--no-figures"]) == 0
    assert not (copy / "report.html").exists()
    capsys.readouterr()


# --- several runs ----------------------------------------------------------------------------


def test_two_runs_get_a_comparison_of_their_end_values(two: str, place: Path):
    """A comparison section lists each run's end value and the difference from the first."""
    comparison = section(two, "comparison")
    first = read_summary(place / "runs" / "base" / "summary.json")["final"]
    second = read_summary(place / "runs" / "whatif" / "summary.json")["final"]
    rows = {(r["attrs"].get("data-side"), r["attrs"].get("data-metric")): r
            for r in table_rows(comparison, "comparison")}
    cells = [text(c) for c in rows[("B", "staff_total")]["cells"]]
    assert number(cells[2]) == first["B"]["staff_total"]
    assert number(cells[3]) == second["B"]["staff_total"]
    difference = second["B"]["staff_total"] - first["B"]["staff_total"]
    assert difference != 0 and f"({figure(difference, signed=True)})" in cells[3]


def test_two_runs_show_the_overlays_of_both(two: str):
    """The comparison embeds the overlay figures of the headline metrics."""
    images = [a for tag, a in Elements(section(two, "comparison")).tags if tag == "img"]
    assert images and all(a["src"].startswith("data:image/png;base64,") for a in images)
    assert any("Staff" in a["alt"] for a in images)


def test_the_second_run_lists_where_it_departs_from_the_first(two: str):
    """The what-if dropped A's local-hire ban: it is listed as not made in that run."""
    rows = table_rows(section(two, "timeline"), "timeline departures")
    assert [(text(r["cells"][1]), text(r["cells"][2])) for r in rows] == [
        ("not in this run", "A: Ban on employing local staff after 10 days, on the B mission "
                            "in A")]


def test_two_runs_show_which_settings_differ(two: str):
    """The what-if's changed tour length appears beside the base's."""
    rows = table_rows(section(two, "assumptions"), "settings changed")
    found = {re.sub(r".*\s", "", text(r["cells"][0])): [text(c) for c in r["cells"][1:]]
             for r in rows}
    assert found["sides.A.tour_years.mode"] == ["3", "2.5"]


def test_each_runs_question_is_stated(two: str):
    questions = re.findall(r'<blockquote class="question">(.*?)</blockquote>', two, re.S)
    assert [q.strip() for q in questions] == [
        "What if B expelled five of A&#39;s staff and capped A&#39;s mission at 80 in 2020?",
        "What if A had not banned B&#39;s local hires in 2021?"]


# --- an ensemble -----------------------------------------------------------------------------


def test_an_ensemble_shows_its_bands_and_spread(place: Path, sde: None, quick: None,
                                                 capsys: pytest.CaptureFixture[str]):
    """A run with ensemble.csv gets a section with the spread at the end and band figures."""
    out = place / "runs" / "ensemble"
    assert main(["run", str(place / "base.yaml"), "--replications", "3", "--workers", "1",
                 "--out", str(out), "--no-figures", "--quiet"]) == 0
    capsys.readouterr()
    page = write_report([out], place / "ensemble.html").read_text(encoding="utf-8")
    ensemble = section(page, "ensemble")
    assert "one of 3 replications" in " ".join(ensemble.split())
    rows = {(r["attrs"].get("data-side"), r["attrs"].get("data-metric")): r
            for r in table_rows(ensemble, "ensemble")}
    assert ("A", "staff_total") in rows and ("both", "tension") in rows
    images = [a for tag, a in Elements(ensemble).tags if tag == "img"]
    assert len(images) == 4
    assert "replication 1 of an ensemble" in section(page, "provenance")


# --- finding the scenario file ---------------------------------------------------------------


def test_a_scenario_file_not_found_is_said_plainly(place: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch):
    """A run copied away from its scenario file: the report says the file was not found."""
    copy = tmp_path / "elsewhere"
    shutil.copytree(place / "runs" / "base", copy)
    monkeypatch.chdir(tmp_path)
    found = find_scenario(read_summary(copy / "summary.json"), copy)
    assert found.scenario is None and found.question == ""
    assert found.note.startswith("The scenario file base.yaml was not found")


def test_a_scenario_file_changed_since_the_run_is_not_used(place: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch):
    """A file of the same name whose hash is not the run's says nothing about the run."""
    copy = tmp_path / "run"
    shutil.copytree(place / "runs" / "base", copy)
    (tmp_path / "base.yaml").write_text(BASE.replace("seed: 11", "seed: 12"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = find_scenario(read_summary(copy / "summary.json"), copy)
    assert found.scenario is None
    assert "has changed since the run" in found.note


def test_a_folder_named_by_the_user_is_searched(place: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch):
    copy = tmp_path / "run"
    shutil.copytree(place / "runs" / "base", copy)
    monkeypatch.chdir(tmp_path)
    found = find_scenario(read_summary(copy / "summary.json"), copy, search=[place])
    assert found.path == place / "base.yaml" and found.scenario is not None


# --- the settings tables ---------------------------------------------------------------------


def test_side_settings_show_values_set_and_defaults_marked():
    """The record's US consular officers are set in the file; its tour lengths default."""
    groups = {g.title: g for g in side_groups(load_scenario(ROOT / "scenarios" /
                                                            "record-2016-2025.yaml"))}
    rows = {r.key: r for g in groups.values() for r in g.rows}
    assert rows["consular_staff_max"].values == ("19", "10")
    assert rows["consular_staff_max"].defaults == (False, False)
    assert rows["tour_years.mode"].defaults == (True, True)
    assert rows["policy.policy"].meaning.startswith("the policy: only the dated moves")
    assert groups["Visas for the host's public"].background == "Visas for the public: a queue"


def test_differences_list_only_the_settings_that_differ():
    """Lifting everything in 2021 changes what it drops and the US plan, nothing else."""
    record = load_scenario(ROOT / "scenarios" / "record-2016-2025.yaml")
    lift = load_scenario(ROOT / "scenarios" / "whatif-lift-all-2021.yaml")
    keys = [row.key for row in differences([record, lift])]
    assert keys == ["extends", "drop_moves.from", "drop_moves.moves",
                    "sides.US.planning.planned.moscow.local",
                    "sides.US.planning.planned.st_petersburg.local"]


def test_templates_ship_with_the_package():
    """Every template file matches the package data of pyproject, so a wheel has it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["sim.report"]
    folder = ROOT / "sim" / "report"
    files = [p.relative_to(folder).as_posix() for p in (folder / "templates").iterdir()]
    assert files and all(any(fnmatch.fnmatch(f, pat) for pat in patterns) for f in files)


# --- the command -----------------------------------------------------------------------------


def test_command_writes_the_report_in_the_run_by_default(place: Path, tmp_path: Path,
                                                         quick: None,
                                                         capsys: pytest.CaptureFixture[str]):
    """`parity report RUN` writes RUN/report.html and says where; again, it replaces its
    own report without --force.
    """
    run = tmp_path / "run"
    shutil.copytree(place / "runs" / "whatif", run)
    assert main(["report", str(run), "--scenarios", str(place)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Wrote {run / 'report.html'} (") and "the report of 1 run" in out
    assert main(["report", str(run), "--scenarios", str(place)]) == 0
    assert is_report(run / "report.html")


@pytest.mark.parametrize("case", ["missing", "not a run"])
def test_command_refuses_what_is_not_a_run(case: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]):
    """A missing folder, or one without a run's files: one line, status 2, nothing written."""
    folder = tmp_path / "results"
    if case == "not a run":
        folder.mkdir()
        (folder / "notes.txt").write_text("mine")
    assert main(["report", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {folder}: ")
    assert "run `parity run` first" in err
    assert not (folder / "report.html").exists()


def test_command_never_replaces_a_file_it_did_not_write(place: Path, tmp_path: Path,
                                                        quick: None,
                                                        capsys: pytest.CaptureFixture[str]):
    """An existing file not Parity's report is kept, unless --force."""
    mine = tmp_path / "brief.html"
    mine.write_text("<p>my own brief</p>", encoding="utf-8")
    assert main(["report", str(place / "runs" / "base"), "--out", str(mine)]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: {mine}: exists and is not a file Parity wrote, or was changed "
                   "since; use --force to replace it or --out to write elsewhere\n")
    assert mine.read_text(encoding="utf-8") == "<p>my own brief</p>"
    assert main(["report", str(place / "runs" / "base"), "--out", str(mine), "--force"]) == 0
    assert is_report(mine)
    assert [p.name for p in tmp_path.iterdir()] == ["brief.html"]  # no temporary file left


def test_an_interrupted_write_leaves_the_old_report_and_no_temporary_file(
        place: Path, tmp_path: Path, quick: None, monkeypatch: pytest.MonkeyPatch):
    """Ctrl-C as the new report is renamed into place: the old one is still there, whole."""
    out = write_report([place / "runs" / "base"], tmp_path / "report.html")
    before = out.read_bytes()

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")  # a different report
    monkeypatch.setattr("sim.destination.os.replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_report([place / "runs" / "base"], out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_temporary_file_a_killed_writer_left_is_removed(place: Path, tmp_path: Path,
                                                          quick: None):
    """The next report to the same place removes what a killed one left beside it."""
    from sim.destination import prefix

    out = tmp_path / "report.html"
    left = tmp_path / f"{prefix(out)}new-abc123"
    left.write_text("half a report")
    write_report([place / "runs" / "base"], out)
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize("case", ["under a file", "a directory", "a file of the run"])
def test_command_refuses_an_out_it_cannot_write(case: str, place: Path, tmp_path: Path,
                                                quick: None,
                                                capsys: pytest.CaptureFixture[str]):
    """An --out it cannot or must not write: one line, status 2."""
    run = place / "runs" / "base"
    (tmp_path / "file.txt").write_text("x")
    out, expected = {
        "under a file": (tmp_path / "file.txt" / "report.html",
                         "cannot write there: a part of the path is a file"),
        "a directory": (tmp_path, "is a directory; give a file name"),
        "a file of the run": (run / "summary.json", f"is a file of the run {run}"),
    }[case]
    before = (run / "summary.json").read_bytes()
    assert main(["report", str(run), "--out", str(out), "--force"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {out}: {expected}")
    assert (run / "summary.json").read_bytes() == before


# --- in a browser ----------------------------------------------------------------------------


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                    "(apt-get install chromium; .ci/run installs it)")
def test_the_report_renders_in_a_browser_and_prints_to_pages(one: Path):
    """Headless Chromium opens the file offline: nothing is requested from elsewhere, the
    page is not blank, every image loads, and printing gives several pages.
    """
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.on("request", lambda r: requested.append(r.url))
            page.goto(one.as_uri(), wait_until="load")
            images = page.evaluate(
                "[...document.images].map(i => [i.complete, i.naturalWidth])")
            shot = page.screenshot()
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    assert [url for url in requested if not url.startswith(("file:", "data:"))] == []
    assert len(images) == 9 and all(done and width > 0 for done, width in images)
    pixels = matplotlib.image.imread(io.BytesIO(shot))
    assert pixels.shape[:2] == (1400, 1100) and float(np.std(pixels[..., :3])) > 0.05
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) > 1


def test_an_address_followed_by_a_note_is_still_linked():
    """``https://sarabic.ae/20191017/ (Sputnik Arabic, 2019-10-17)``: the address is the
    link, the note stays beside it.
    """
    from sim.report.contents import Source, sources

    assert sources("https://sarabic.ae/20191017/ (Sputnik Arabic, 2019-10-17) ; record #18") == (
        Source("sarabic.ae (Sputnik Arabic, 2019-10-17)", "https://sarabic.ae/20191017/"),
        Source("record #18"))
