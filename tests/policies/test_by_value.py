"""Answers by value (``answer_by: value``): the instrument of closest harm, and own
measures worth about what the other side gave back.

Each test plays side A against a scripted B (``harness.play``) and reads both the
log row and the harms the measures carry (``Measure.harm``: the value to the target,
in percent of its mission's weighted functions), with real numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .harness import kinds, play, versus

D = dt.date
MARCH = D(2020, 3, 1)
BY_VALUE: dict[str, Any] = {"policy": "mirror", "lag_days": 10, "answer_by": "value"}
#: B's mission without local employees: a local-hire ban on it would take nothing.
B_NO_LOCALS: dict[str, Any] = {
    "posts": [{"id": "bemb", "name": "B Embassy", "kind": "embassy", "expat": 80, "local": 0,
               "consular_share": 1.0}],
}


def harm(sim, measure_id: str) -> float:
    """The harm a measure of the run carries."""
    return sim.by_id[measure_id].harm


def policy_rows(sim, actor: str = "A"):
    """The rows of ``actor``'s policy moves."""
    return [row for row in sim.log if row.actor == actor and row.origin == "policy"]


def test_ban_it_cannot_mirror_is_answered_by_the_instrument_of_closest_harm(make_scenario):
    """B bans A's 250 local employees (harm 16.9 to A); B has none, so a ban in kind would
    take nothing. By value A expels 18 of B's 80 (harm 16.9 to B), the closest of its
    instruments (a visa policy would take 21.2), and the row states both harms.
    """
    script = [{"date": MARCH, "move": "local_hire_ban", "id": "bban"}]
    sim = play(make_scenario, BY_VALUE, script, B=B_NO_LOCALS)
    [answer] = policy_rows(sim)
    assert answer.move == "expel"
    assert answer.detail == ("count=18 notice_days=7; answers bban; "
                             "by value: received 16.94, answered 16.88 (expel)")
    assert round(harm(sim, "bban"), 1) == 16.9
    assert abs(harm(sim, "A-expel-1") - harm(sim, "bban")) < 0.1


def test_ban_in_kind_would_take_nothing(make_scenario):
    """The same ban answered in kind (the default): a ban on B's mission, worth 0 to B."""
    script = [{"date": MARCH, "move": "local_hire_ban", "id": "bban"}]
    sim = play(make_scenario, {"policy": "mirror", "lag_days": 10}, script, B=B_NO_LOCALS)
    assert kinds(policy_rows(sim)) == [("local_hire_ban", "notice_days=30")]
    assert harm(sim, "A-local_hire_ban-1") == 0.0


def test_expulsion_of_ten_answered_by_an_expulsion_of_close_harm(make_scenario):
    """B expels 10 of A's 120 expatriates (harm 4.88 to A). By value A expels 5 of B's 80
    (harm 4.51 to B): each of B's people is a larger share of its smaller mission. The
    answer's harm is within half the harm of one person expelled (0.45) of the harm
    received, the closest an expulsion can come.
    """
    script = [{"date": MARCH, "move": "expel", "count": 10, "id": "bx"}]
    sim = play(make_scenario, BY_VALUE, script)
    [answer] = policy_rows(sim)
    assert answer.detail == ("count=5 notice_days=7; answers bx; "
                             "by value: received 4.88, answered 4.51 (expel)")
    one_person = harm(sim, "A-expel-1") / 5
    assert round(one_person, 2) == 0.9
    assert abs(harm(sim, "A-expel-1") - harm(sim, "bx")) <= one_person / 2


def test_small_harm_answered_by_a_small_instrument(make_scenario):
    """B seizes A's dacha (harm 0.29 to A, its 500k a year). An expulsion of one would take
    0.9 from B; a three-year tenure limit takes 0.34, so A answers with that.
    """
    script = [{"date": MARCH, "move": "seize_property", "property": "dacha", "id": "bs"}]
    sim = play(make_scenario, BY_VALUE, script)
    [answer] = policy_rows(sim)
    assert answer.move == "tenure_limit"
    assert answer.detail.endswith("answers bs; by value: received 0.29, answered 0.34 "
                                  "(tenure_limit)")
    assert round(harm(sim, "A-tenure_limit-1"), 2) == 0.34


def test_a_move_that_took_nothing_is_not_answered_and_the_log_says_so(make_scenario):
    """A second identical travel-notice rule takes nothing more: by value there is nothing
    to answer, and A logs a statement saying so.
    """
    script = [{"date": MARCH, "move": "travel_notice", "days": 2, "id": "bn"},
              {"date": D(2020, 4, 1), "move": "travel_notice", "days": 2, "id": "bn2"}]
    rows = versus(make_scenario, BY_VALUE, script)
    assert [row.move for row in rows] == ["expel", "statement"]
    assert rows[1].detail == ("other: cannot answer by value (received 0.00): the move took "
                              "nothing measurable; answers bn2")


#: B's ban on A (before A's policy starts), A's three scripted measures on B, and in
#: September B lifting its ban: a relief of 17.08 to A.
CONCESSION: list[dict[str, Any]] = [
    {"date": D(2020, 2, 1), "move": "local_hire_ban", "id": "bban"},
    {"date": MARCH, "actor": "A", "move": "expel", "count": 10, "id": "ax10"},
    {"date": D(2020, 4, 1), "actor": "A", "move": "expel", "count": 5, "id": "ax5"},
    {"date": D(2020, 5, 1), "actor": "A", "move": "banking_restriction", "id": "abank"},
    {"date": D(2020, 9, 1), "move": "lift", "measure": "bban"},
]


def test_concession_reciprocated_by_value(make_scenario):
    """B lifts its ban (relief 17.08 to A). A has no ban to lift in kind; by value it lifts
    the measure of closest value first (ax10, 9.14), then adds those that bring the
    total closer (ax5, 5.13; abank, 2.50): 16.77 in all, each lift stating both values.
    """
    policy = {**BY_VALUE, "start": D(2020, 6, 1)}
    sim = play(make_scenario, policy, CONCESSION)
    rows = policy_rows(sim)
    assert kinds(rows) == [("lift", "measure=ax10"), ("lift", "measure=ax5"),
                           ("lift", "measure=abank")]
    assert all(row.detail.endswith("answers B-lift-1; by value: received 17.08, lifted 16.77 "
                                   "(ax10, ax5, abank)") for row in rows)
    assert [round(harm(sim, m), 2) for m in ("ax10", "ax5", "abank")] == [9.14, 5.13, 2.5]


def test_concession_in_kind_returns_nothing_without_the_same_kind(make_scenario):
    """The same lift answered in kind: A has no local-hire ban to lift, so it lifts nothing."""
    policy = {"policy": "mirror", "lag_days": 10, "start": D(2020, 6, 1)}
    assert versus(make_scenario, policy, CONCESSION) == []


def test_concession_by_value_never_lifts_far_more_than_received(make_scenario):
    """With only an expulsion of 20 (18.3 to B) in force, a relief of 2.5 (B's expulsion
    of 5 lifted) is not repaid: lifting it would overshoot by more than nothing falls
    short, and the log says so.
    """
    script = [{"date": D(2020, 2, 1), "move": "expel", "count": 5, "id": "bx5"},
              {"date": MARCH, "actor": "A", "move": "expel", "count": 20, "id": "ax20"},
              {"date": D(2020, 9, 1), "move": "lift", "measure": "bx5"}]
    sim = play(make_scenario, {**BY_VALUE, "start": D(2020, 6, 1)}, script)
    assert (round(harm(sim, "ax20"), 1), round(harm(sim, "bx5"), 1)) == (18.3, 2.5)
    [row] = policy_rows(sim)
    assert row.move == "statement"
    assert row.detail == ("other: cannot reciprocate by value (received 2.50): no own measure "
                          "is worth about that; answers B-lift-1")


def test_package_by_value_repays_all_it_got_back(make_scenario):
    """A package side by value waits, like any package side, for B to lift everything;
    then it lifts own measures worth about all B gave back since its start: the
    expulsion of 5 lifted in July and the ban in September, 19.57 in all. A's three
    measures are worth 16.77, so it lifts them all.
    """
    script = [*CONCESSION[:1], {"date": D(2020, 2, 1), "move": "expel", "count": 5, "id": "bx5"},
              *CONCESSION[1:4], {"date": D(2020, 7, 1), "move": "lift", "measure": "bx5"},
              {"date": D(2020, 9, 1), "move": "lift_all"}]
    policy = {"policy": "package", "lag_days": 10, "answer_by": "value",
              "start": D(2020, 6, 1)}
    rows = versus(make_scenario, policy, script)
    assert kinds(rows) == [("lift", "measure=ax10"), ("lift", "measure=ax5"),
                           ("lift", "measure=abank")]
    assert rows[0].detail.endswith("answers B-lift_all-1; package: lifts as much as it got "
                                   "back; by value: received 19.57, lifted 16.77 "
                                   "(ax10, ax5, abank)")


def test_package_by_value_repays_each_relief_once():
    """Two complete liftings, each giving back 2.4: each is repaid with 2.4, the second
    not counted again with the first.
    """
    import datetime as dt

    from sim.policies import Observation, Package, View

    policy = Package(answer_by="value")
    view = View("A", "B", dt.date(2020, 9, 1), None, 0.0, 0.0, restrictions_on_me=0)
    seen = [Observation(measure=f"b{i}", move="lift_all", conciliatory=True, lift_all=True,
                        relief=2.4) for i in (1, 2)]
    values = [intent.value for s in seen for intent in policy.react(s, view)]
    assert values == [2.4, 2.4]


def test_an_answer_that_would_take_more_than_twice_the_harm_is_not_made(monkeypatch):
    """When the closest instrument would take 1.0 against a harm of 0.4 received (more than
    twice), nothing is made: against a mission down to a few people even one expulsion
    can be worth far more than the move answered. Against 0.6 it is made.
    """
    import datetime as dt

    from sim.moves import Expel
    from sim.policies import Intent, instruments

    move = Expel(date=dt.date(2020, 3, 1), actor="A", count=1)
    monkeypatch.setattr(instruments, "candidates",
                        lambda *args: [instruments.Valued(move, 1.0)])
    intent = Intent("restrict", "expel")
    assert instruments.closest_in_value(None, "A", Intent(**{**intent.__dict__, "value": 0.4}),
                                        "s") is None
    made = instruments.closest_in_value(None, "A", Intent(**{**intent.__dict__, "value": 0.6}),
                                        "s")
    assert made is not None and made.note == "by value: received 0.60, answered 1.00 (expel)"
