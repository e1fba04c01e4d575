"""What a valid file can cost is bounded: each limit refuses with its value in the message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from sim.errors import ScenarioError
from sim.reference import scenario_format
from sim.scenario import load_scenario
from sim.scenario.schema import LIMITS, MAX_MOVES

ROOT = Path(__file__).resolve().parent.parent
SMALL = (Path(__file__).parent / "data" / "small.yaml").read_text()
B_POST = "      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}"


def problems(tmp_path: Path, text: str) -> list[str]:
    """The problems of a scenario file with ``text``, each without the file name."""
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [p.removeprefix(f"{path}:") for p in caught.value.problems]


def b_policy(policy: str) -> str:
    """The small scenario with side B's policy written as given."""
    return SMALL.replace(B_POST, f"{B_POST}\n    policy: {policy}")


def test_horizon_over_200_years(tmp_path):
    """`end: 9999-12-31` on the record is refused with how far it is and the limit."""
    path = tmp_path / "far.yaml"
    path.write_text(f"extends: {ROOT / 'scenarios' / 'record-2016-2025.yaml'}\n"
                    "end: 9999-12-31\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems == [
        f"{path}:2: end: 9999-12-31 is 7983 years after start (allowed: at most 200 years)"]


def test_horizon_of_200_years_is_allowed(make_scenario):
    """Exactly 200 years from the start is within the limit; a day more is not."""
    make_scenario(end=dt.date(2220, 1, 1))
    with pytest.raises(ValidationError, match=r"2220-01-02 is 200.0 years after start "
                                              r"\(allowed: at most 200 years\)"):
        make_scenario(end=dt.date(2220, 1, 2))


def test_positions_of_a_post(tmp_path):
    """A post of 200,000 expatriates is refused at its key with the limit."""
    text = SMALL.replace("expat: 30, local: 5", "expat: 200000, local: 5")
    assert problems(tmp_path, text) == [
        "16: sides.B.posts[0].expat: must be <= 100000 (got 200000)"]


def test_positions_of_a_side(tmp_path):
    """Posts within their limit that add up to over 100,000 positions are refused."""
    text = SMALL.replace(B_POST, f"{B_POST}\n      - {{id: annex, name: Annex, kind: annex, "
                                 "expat: 60000, local: 50000}")
    assert problems(tmp_path, text) == [
        "15: sides.B.posts: the posts have 110,035 positions, expatriate and local (allowed: "
        "at most 100,000 per side)"]


def test_expel_count(tmp_path):
    """An expulsion of 5,000,000 is refused at its `count` with the limit."""
    text = SMALL.replace("count: 5,", "count: 5000000,")
    assert problems(tmp_path, text) == [
        "18: moves[0].count: 5,000,000 is more people than a mission may have (allowed: at "
        "most 100,000)"]


def test_expel_count_of_hundreds_of_digits(tmp_path):
    """A count too long to read is named by its length, not echoed."""
    text = SMALL.replace("count: 5,", f"count: {10 ** 400},")
    assert problems(tmp_path, text) == [
        "18: moves[0].count: a number of 401 digits is more people than a mission may have "
        "(allowed: at most 100,000)"]


def test_estimated_run_size(tmp_path):
    """Half-year tours on a mission of 50,000 over 100 years are refused with the estimate."""
    text = SMALL.replace("end: 2021-12-31", "end: 2119-12-31").replace(
        "expat: 30, local: 5", "expat: 50000, local: 5").replace(
        "  B:\n", "  B:\n    tour_years: {low: 0.5, mode: 0.5, high: 0.5}\n")
    assert problems(tmp_path, text) == [
        "5: sides: about 40,009,456 events to simulate (50,040 expatriate positions over 100 "
        "years, tours of 0.5 years on average), about 3 min at 5 µs an event (allowed: at "
        "most 20,000,000 events, about 100 s: shorten the horizon, or have fewer expatriate "
        "positions or longer tours)"]


def test_misperception(tmp_path):
    """A misperception spread over 5 is refused: sizes would overflow."""
    assert problems(tmp_path, b_policy("{policy: mirror, misperception: 1000}")) == [
        "17: sides.B.policy: misperception: 1000 (allowed: at most 5: a spread of 5 already "
        "reads an expulsion of 10 as anything from 0.0006 to 180,000; beyond it sizes "
        "overflow)"]


def test_proportional_scale(tmp_path):
    """A proportional answer over 100 times the move is refused."""
    assert problems(tmp_path, b_policy("{policy: proportional, scale: 1e308}")) == [
        "17: sides.B.policy: scale: 1e+308 (allowed: at most 100: an answer 100 times the "
        "move is no longer proportional; beyond it sizes overflow)"]


def test_escalate_size(tmp_path):
    """An escalating side's move of a billion people is refused with the limit."""
    assert problems(tmp_path, b_policy("{policy: escalate, size: 1e9}")) == [
        "17: sides.B.policy: size: 1e+09 (allowed: at most 100,000: no move takes more people "
        "than a mission may have)"]


def test_grit_interval(tmp_path):
    """GRIT concessions less than a day apart are refused: they only make events."""
    assert problems(tmp_path, b_policy("{policy: grit, interval_days: 0.001}")) == [
        "17: sides.B.policy: interval_days: 0.001 (allowed: at least 1: moves are made on "
        "days; shorter intervals only make events)"]


def test_every_limit_is_in_the_reference():
    """docs/scenario-format.md lists every limit with its value."""
    text = scenario_format()
    for where, limit, why in LIMITS:
        assert f"| {where} | {limit} | {why} |" in text


def test_moves_of_a_scenario_built_in_code(make_scenario):
    """A scenario of more than MAX_MOVES moves is refused, in code as in a file."""
    move = {"date": dt.date(2020, 6, 1), "actor": "A", "move": "statement", "kind": "other"}
    with pytest.raises(ValidationError, match=f"at most {MAX_MOVES} items"):
        make_scenario(moves=[move] * (MAX_MOVES + 1))


def test_samples_over_the_limit(tmp_path):
    """Two centuries sampled every day are refused at `sample_days` with the rows and the
    least interval that fits.
    """
    text = SMALL.replace("end: 2021-12-31", "end: 2219-12-31").replace(
        "seed: 7", "seed: 7\nsample_days: 1")
    assert problems(tmp_path, text) == [
        "5: sample_days: 2,702,776 rows of timeseries.csv (73,048 samples, every day over 200 "
        "years, of 37 rows each), about 81 MB written, and about 1.6 GB of memory and 20 s "
        "to write and draw (allowed: at most 1,500,000 rows, about 900 MB: sample every 2 "
        "days or more, or shorten the horizon)"]
