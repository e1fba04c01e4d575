"""Moves in plain words, as figures, reports and the exercise show them."""

from __future__ import annotations

import pytest

from sim.metrics import JOINT_METRICS, SIDE_METRICS
from sim.moves import BY_NAME
from sim.words import (
    KINDS,
    METRICS,
    axis_label,
    brief,
    describe,
    outcome_words,
    parameter_words,
    sentence,
    short,
)

SUMMARY = {"sides": {"US": {"name": "US mission in Russia"},
                     "RU": {"name": "Russian mission in the US"}}}


def test_a_ceiling_reads_as_a_ceiling():
    row = {"date": "2017-07-28", "actor": "RU", "target": "US", "move": "staff_cap",
           "detail": "ceiling=455 notice_days=35"}
    assert describe(row) == "Ceiling of 455 staff, enforced after 35 days"


def test_a_timeline_entry_names_who_acts_on_which_mission():
    row = {"date": "2017-07-28", "actor": "RU", "target": "US", "move": "staff_cap",
           "detail": "ceiling=455 notice_days=35"}
    assert sentence(row, SUMMARY) == (
        "RU: Ceiling of 455 staff, enforced after 35 days, on the US mission in Russia")


def test_a_move_on_ones_own_mission_says_so():
    row = {"date": "2020-12-20", "actor": "US", "target": "US", "move": "close_post",
           "detail": "post=yekaterinburg notice_days=2"}
    assert sentence(row, SUMMARY) == (
        "US: Closure of the post in Yekaterinburg, vacated within 2 days (its own mission)")


def test_what_a_policy_answers_is_not_read_as_a_parameter():
    row = {"date": "2021-04-15", "actor": "RU", "target": "US", "move": "expel",
           "detail": "count=10 notice_days=7; answers us-expel-10; tit for tat"}
    assert describe(row) == "Expulsion of 10 staff, to leave within 7 days"


def test_a_list_of_posts_is_read_back_as_a_list():
    row = {"date": "2021-01-01", "actor": "US", "target": "US", "move": "suspend_consular",
           "detail": "posts=moscow,vladivostok"}
    assert describe(row) == "Visa services for the public stopped at Moscow and Vladivostok"


def test_an_unreadable_row_still_gets_words():
    row = {"date": "2021-01-01", "actor": "US", "move": "staff_cap", "detail": "ceiling=lots"}
    assert describe(row) == "Staff cap"


@pytest.mark.parametrize(("detail", "move", "words"), [
    ("ceiling=455 notice_days=35", "staff_cap", "Ceiling of 455 staff"),
    ("count=60 notice_days=7", "expel", "Expulsion of 60 staff"),
    ("post=st_petersburg notice_days=2", "close_post", "Closure of the post in St Petersburg"),
    ("notice_days=79", "local_hire_ban", "Ban on employing local staff"),
    ("years=3 deadline=2022-01-30 posts=washington,new_york,houston", "tenure_limit",
     "Tours limited to 3 years at Washington, New York and Houston"),
    ("approval_rate=0.5 processing_days=150", "visa_policy",
     "Visas for staff: 50% granted, 150 days to decide"),
])
def test_the_short_form_leaves_out_only_when_a_move_bites(detail, move, words):
    """A chart row drops the notice or deadline (its date is beside it), nothing else."""
    row = {"date": "2017-07-28", "actor": "RU", "target": "US", "move": move, "detail": detail}
    assert short(row) == words
    assert describe(row).startswith(words)


def test_a_key_line_joins_one_actors_moves_and_counts_repeats():
    """A day's moves read as one line; a repeated move is counted; a move on one's own
    mission says so.
    """
    rows = [{"actor": "US", "target": "RU", "move": "expel", "detail": "count=60"},
            {"actor": "US", "target": "RU", "move": "close_post", "detail": "post=seattle"},
            {"actor": "US", "target": "US", "move": "close_post", "detail": "post=vladivostok"},
            {"actor": "US", "target": "RU", "move": "expel", "detail": "count=60"}]
    assert brief(rows) == ("US: Expulsion of 60 staff (2 times); Closure of the post in "
                           "Seattle; Closure of the post in Vladivostok (own mission)")


def test_a_key_line_of_many_moves_counts_them_by_kind():
    """Past three different moves a line counts them by kind, naming a lone one in full."""
    rows = [{"actor": "RU", "target": "US", "move": "expel", "detail": f"count={n}"}
            for n in (1, 2, 3)]
    rows.append({"actor": "RU", "target": "US", "move": "local_hire_ban", "detail": ""})
    assert brief(rows) == "RU: 3 expulsions; Ban on employing local staff"


def test_a_lift_says_what_it_lifted():
    """Given the measures, a lift is named by the measure it ends, not by its id."""
    row = {"actor": "US", "target": "RU", "move": "lift",
           "detail": "measure=us-travel-radius-25mi; GRIT concession"}
    measures = [{"id": "us-travel-radius-25mi", "actor": "US", "target": "RU",
                 "move": "travel_radius", "detail": "km=40.2"}]
    assert brief([row], measures) == (
        "US: Lifted: Travel confined to 40.2 km (25 miles) of the post")


def test_every_metric_has_words_and_a_unit():
    """Each metric a run writes is named in words with its unit for figures' axes."""
    assert set(METRICS) == set(SIDE_METRICS) | set(JOINT_METRICS)
    assert all(what and unit and "_" not in what for what, unit in METRICS.values())


def test_an_axis_label_gives_the_unit_in_brackets():
    assert axis_label("staff_total") == "staff (people)"


def test_every_move_has_a_kind_in_words():
    """A key counting moves by kind can name every move of the catalogue."""
    assert set(KINDS) == set(BY_NAME)


def test_a_sweep_parameter_path_reads_as_words():
    assert parameter_words("sides.US.policy.lag_days") == "sides US policy: lag days"


def test_an_outcome_names_its_mission_and_statistic():
    missions = {"US": "US mission in Russia"}
    assert outcome_words("US", "staff_total", "end", missions) == (
        "US mission in Russia: staff (people), at the end")
    assert outcome_words("both", "tension", "average", missions) == (
        "tension (points of harm), averaged over the run")


NAMED = {"sides": {"US": {"name": "US mission in Russia", "places": {}},
                   "RU": {"name": "Russian mission in the US",
                          "places": {"san_francisco": "Consulate General San Francisco"}}}}


def test_a_post_is_called_by_its_name_in_the_scenario():
    row = {"date": "2017-08-31", "actor": "US", "target": "RU", "move": "close_post",
           "detail": "post=san_francisco notice_days=2"}
    assert describe(row, NAMED) == (
        "Closure of Consulate General San Francisco, vacated within 2 days")


def test_without_its_name_a_post_is_called_by_its_place():
    row = {"date": "2017-08-31", "actor": "US", "target": "RU", "move": "close_post",
           "detail": "post=san_francisco notice_days=2"}
    assert describe(row) == "Closure of the post in San Francisco, vacated within 2 days"


def test_one_person_expelled_is_one_member_of_staff():
    row = {"date": "2022-01-01", "actor": "RU", "target": "US", "move": "expel",
           "detail": "count=1 notice_days=7"}
    assert describe(row) == "Expulsion of 1 member of staff, to leave within 7 days"


def test_an_outside_event_is_no_sides_move():
    row = {"date": "2022-02-24", "actor": "US", "target": "RU", "move": "statement",
           "detail": "other: war: Russia invades Ukraine", "origin": "shock"}
    assert sentence(row, SUMMARY) == "Outside event: war: Russia invades Ukraine"
