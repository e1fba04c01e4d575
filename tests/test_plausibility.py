"""Valid but implausible input gets a warning, `file:line: path: what (why / what is usual)`.

Each rule fires on the small two-side scenario with one thing changed, and on no
shipped scenario. In the small scenario A's mission (in B) has 120 expatriate and
250 local positions, B's 80 and 10; A cuts locals to 50 first under a ceiling.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sim import Simulation
from sim.errors import MAX_LINE
from sim.output import timeseries_rows as output_rows
from sim.scenario import load_scenario
from sim.scenario.plausibility import (
    WARN_EVENTS,
    estimated_events,
    timeseries_rows,
    warnings_for,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    p for p in (ROOT / "docs" / "examples").glob("*.yaml")
    if p.name != "bad-scenario.yaml" and not p.name.startswith("sweep-"))  # sweeps: not scenarios
DAY = dt.date(2020, 3, 1)


def test_expulsion_larger_than_the_mission(make_scenario):
    """An expulsion of more than the target's expatriate positions is warned at `count`."""
    scenario = make_scenario(moves=[{"date": DAY, "actor": "A", "move": "expel", "count": 5000}])
    assert scenario.warnings == [
        "moves[0].count: expels 5000 but the B mission has 80 expatriate positions at the "
        "start (an expulsion takes expatriates only)"]


def test_expulsion_larger_than_its_post(make_scenario):
    """An expulsion from a consulate is held against the consulate's own positions."""
    scenario = make_scenario(moves=[{"date": DAY, "actor": "B", "move": "expel", "count": 30,
                                     "post": "con"}])
    assert scenario.warnings == [
        "moves[0].count: expels 30 from con but that post of the A mission has 20 expatriate "
        "positions at the start (an expulsion takes expatriates only)"]


def test_expulsion_from_the_embassy_counts_the_mission(make_scenario):
    """The embassy takes closed posts' positions, so it is held against the whole mission."""
    scenario = make_scenario(moves=[{"date": DAY, "actor": "B", "move": "expel", "count": 110,
                                     "post": "emb"}])
    assert scenario.warnings == []


def test_restriction_on_own_mission(make_scenario):
    """A ceiling a side puts on its own mission is warned at `target`."""
    scenario = make_scenario(moves=[{"date": DAY, "actor": "A", "move": "staff_cap",
                                     "ceiling": 300, "target": "A"}])
    assert scenario.warnings == [
        "moves[0].target: A puts a staff_cap on its own mission (the target is the actor); a "
        "restriction is put on the other side's mission, B's: leave `target` out"]


def test_closing_own_post_is_not_warned(make_scenario):
    """Closing one's own post (as the US closed two consulates) is ordinary."""
    scenario = make_scenario(moves=[{"date": DAY, "actor": "A", "move": "close_post",
                                     "post": "con", "target": "A"}])
    assert scenario.warnings == []


def test_ceiling_met_with_locals_only(make_scenario):
    """A ceiling A's reduction order meets by sending home every expatriate is warned."""
    scenario = make_scenario(moves=[{"date": DAY, "actor": "B", "move": "staff_cap",
                                     "ceiling": 50}])
    assert scenario.warnings == [
        "moves[0].ceiling: a ceiling of 50 is met, in A's reduction_order, by sending home "
        "every expatriate and keeping 50 local employees: a mission of locals only, with no "
        "diplomat (a mission keeps diplomats first: give the expat step a `keep`, or cut "
        "locals further before it)"]


def test_ceiling_below_the_keep_floors(make_scenario):
    """A ceiling below what the reduction order may cut to leaves the mission over it."""
    scenario = make_scenario(moves=[{"date": DAY, "actor": "B", "move": "staff_cap",
                                     "ceiling": 40}])
    assert scenario.warnings == [
        "moves[0].ceiling: A's reduction_order cuts its mission no lower than 50 (its `keep` "
        "floors), above the ceiling of 40: the mission stays over the ceiling (end the order "
        "with a step without `keep`)"]


def test_keep_floor_above_positions(make_scenario):
    """A `keep` above the positions of its kind is a step that never cuts anyone."""
    scenario = make_scenario(A={"reduction_order": [{"staff": "local", "keep": 1000},
                                                    {"staff": "expat"}]})
    assert scenario.warnings == [
        "sides.A.reduction_order[0].keep: keep 1000 is more than the 250 local positions the "
        "mission has at the start: this step never cuts anyone (leave it out, or keep fewer)"]


def test_lead_shorter_than_the_visa_and_travel(make_scenario):
    """A replacement sought 20 days ahead cannot arrive in 20 days' processing plus 14 travel."""
    scenario = make_scenario(A={"visa_lead_days": 20})
    assert scenario.warnings == [
        "sides.A.visa_lead_days: replacements are sought 20 days before a tour ends but take "
        "34 days to arrive (the host's processing_days 20 plus travel_days 14): every position "
        "stands empty between holders, so the mission runs below strength even with every "
        "visa granted (usual: a lead of 90 days or more)"]


def test_tours_shorter_than_the_visa_and_travel(make_scenario):
    """Tours as short as 18 days end before any replacement can arrive."""
    scenario = make_scenario(A={"tour_years": {"low": 0.05, "mode": 1, "high": 2}})
    assert scenario.warnings == [
        "sides.A.tour_years.low: tours as short as 0.05 years (18 days) end before a "
        "replacement can arrive: replacements take 34 days to arrive (the host's "
        "processing_days 20 plus travel_days 14), so the mission runs below strength even "
        "with every visa granted (usual: tours of 1 to 4 years)"]


def test_visas_never_granted(make_scenario):
    """A host refusing every visa for the whole run, with no move to change it, is warned."""
    scenario = make_scenario(B={"host_visa_policy": {"approval_rate": 0}})
    assert scenario.warnings == [
        "sides.B.host_visa_policy.approval_rate: approval_rate 0 refuses every visa for the "
        "whole run and no move grants any: the B mission loses each expatriate at the end of "
        "the tour and replaces none (to refuse visas from a date, use a `visa_policy` move; "
        "usual: approval_rate 0.97, no quota)"]


def test_visas_granted_by_a_later_move_are_not_warned(make_scenario):
    """A `visa_policy` move that grants visas later makes a refusing start plausible."""
    scenario = make_scenario(B={"host_visa_policy": {"approval_rate": 0}}, moves=[
        {"date": DAY, "actor": "A", "move": "visa_policy", "approval_rate": 0.9,
         "processing_days": 30}])
    assert scenario.warnings == []


def test_consular_shares_not_adding_up(make_scenario):
    """A mission doing consular work whose posts' shares add up to 0.5 is warned."""
    posts = [{"id": "emb", "name": "E", "kind": "embassy", "expat": 120, "local": 250,
              "consular_share": 0.5}]
    scenario = make_scenario(A={"posts": posts})
    assert scenario.warnings == [
        "sides.A.posts: the posts' consular_share adds up to 0.5: the mission never issues "
        "more than that share of what its consular staff could (usual: shares adding up to "
        "1, the whole of the mission's visa work)"]


def test_long_run(make_scenario):
    """Two missions of 20,000 expatriates over 50 years are warned with the estimate."""
    posts = [{"id": "emb", "name": "E", "kind": "embassy", "expat": 20_000, "local": 250,
              "consular_share": 1}]
    scenario = make_scenario(A={"posts": posts, "reduction_order": [{"staff": "local"}]},
                             B={"posts": [{**posts[0], "id": "bemb", "local": 10}]},
                             end=dt.date(2069, 12, 31))
    assert scenario.warnings == [
        "end: about 2,669,349 events to simulate (40,000 expatriate positions over 50 years, "
        "tours of 3 years on average), about 13 s at 5 µs an event (warned above 2,000,000 "
        "events, about 10 s; the record replay makes about 8,000): a shorter horizon or fewer "
        "expatriate positions run faster"]


def test_estimate_is_calibrated_on_the_record():
    """The estimate is within a quarter of the record replay's events (it shrinks, so fewer)."""
    scenario = load_scenario(ROOT / "scenarios" / "record-2016-2025.yaml")
    events = Simulation(scenario).run().events_processed
    estimate = estimated_events(scenario.sides, scenario.day(scenario.end) + 1,
                                scenario.sample_days)
    assert events < estimate < 1.25 * events
    assert estimate < WARN_EVENTS / 100


def test_estimate_matches_missions_left_alone(make_scenario):
    """With no moves and every visa granted, the estimate is within 5% of the run."""
    scenario = make_scenario(end=dt.date(2029, 12, 31))
    events = Simulation(scenario).run().events_processed
    estimate = estimated_events(scenario.sides, scenario.day(scenario.end) + 1,
                                scenario.sample_days)
    assert abs(estimate - events) < 0.05 * events


def test_warnings_from_a_file_have_file_and_line(tmp_path):
    """A loaded scenario's warnings start `file:line:`, as errors do, sorted by line."""
    text = (Path(__file__).parent / "data" / "small.yaml").read_text().replace(
        "move: expel, count: 5,", "move: expel, count: 500,")
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    assert load_scenario(path).warnings == [
        f"{path}:18: moves[0].count: expels 500 but the A mission has 40 expatriate "
        "positions at the start (an expulsion takes expatriates only)"]


def test_a_what_if_warns_at_its_own_line(tmp_path):
    """In a what-if, a warning about a key it sets names the what-if's file and line."""
    path = tmp_path / "whatif.yaml"
    path.write_text(f"extends: {ROOT / 'scenarios' / 'record-2016-2025.yaml'}\n"
                    "name: refused\nsides:\n  US:\n    visa_lead_days: 10\n")
    assert load_scenario(path).warnings == [
        f"{path}:5: sides.US.visa_lead_days: replacements are sought 10 days before a tour "
        "ends but take 44 days to arrive (the host's processing_days 30 plus travel_days 14): "
        "every position stands empty between holders, so the mission runs below strength "
        "even with every visa granted (usual: a lead of 90 days or more)"]


def test_warnings_are_read_only(make_scenario):
    """`scenario.warnings` is a copy of the list and cannot be assigned (the model is frozen)."""
    scenario = make_scenario(B={"host_visa_policy": {"approval_rate": 0}})
    scenario.warnings.clear()
    assert len(scenario.warnings) == 1
    with pytest.raises(ValueError, match="frozen"):
        scenario.warnings = []


def test_warnings_for_a_scenario_in_code_have_no_line(make_scenario):
    """`warnings_for(scenario)` without a source gives the path alone."""
    scenario = make_scenario(A={"visa_lead_days": 20})
    assert [w.split(":")[0] for w in warnings_for(scenario)] == ["sides.A.visa_lead_days"]


def test_the_small_scenario_has_no_warnings(make_scenario):
    """The tests' small scenario is plausible, so each test above changes one thing."""
    assert make_scenario().warnings == []


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_no_warning_on_shipped_scenarios(path):
    """The record, the what-ifs and the docs' examples warrant no warning."""
    assert load_scenario(path).warnings == []


def test_a_warning_shows_control_characters_escaped(tmp_path):
    """A side id holding a terminal escape sequence is warned of with the sequence escaped."""
    text = (Path(__file__).parent / "data" / "small.yaml").read_text().replace(
        "  B:\n", '  "\\e[2J":\n    host_visa_policy: {approval_rate: 0}\n').replace(
        "actor: B,", 'actor: "\\e[2J",')
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    (warning,) = load_scenario(path).warnings
    assert "\x1b" not in warning and "the \\x1b[2J mission" in warning


def test_a_warning_is_capped_to_fit_the_printed_line(tmp_path):
    """A warning quoting a long side id fits MAX_LINE printed after `warning: `."""
    text = (Path(__file__).parent / "data" / "small.yaml").read_text().replace(
        "  B:\n", f"  {'B' * 1000}:\n    host_visa_policy: {{approval_rate: 0}}\n").replace(
        "actor: B,", f"actor: {'B' * 1000},")
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    (warning,) = load_scenario(path).warnings
    assert len(f"warning: {warning}") <= MAX_LINE


def test_a_large_timeseries_is_warned_of_with_its_rows(make_scenario):
    """A century sampled every day is warned of at `sample_days` with the rows it writes."""
    scenario = make_scenario(end=dt.date(2119, 12, 31), sample_days=1)
    assert [w for w in scenario.warnings if w.startswith("sample_days")] == [
        "sample_days: 1,351,388 rows of timeseries.csv (36,524 samples, every day over 100 "
        "years, of 37 rows each), about 41 MB written, and about 811 MB of memory and 10 s "
        "to write and draw (warned above 1,000,000 rows; the record replay writes about "
        "17,000): sample less often, or shorten the horizon"]


def test_the_rows_estimate_is_the_rows_a_run_writes(make_scenario):
    """`timeseries_rows` counts exactly the rows of a run, its last day's sample included."""
    scenario = make_scenario(sample_days=5)
    sim = Simulation(scenario).run()
    assert sum(1 for _ in output_rows(sim)) == timeseries_rows(scenario.day(scenario.end) + 1, 5)
