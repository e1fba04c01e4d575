"""Moves in plain words, as figures, reports and the exercise show them."""

from __future__ import annotations

from sim.words import describe, sentence

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
