"""The policies that act on their own schedule: Escalate, Grit, Package.

Each ``TestX`` inherits the checks of ``PolicyCase`` and adds the policy's
defining behaviour against a scripted B, with real numbers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest

from sim.policies import Escalate, Grit, Package, View
from sim.streams import Streams

from .harness import PolicyCase, days_after, kinds, play, restrictions, versus

D = dt.date
START = D(2020, 1, 1)


def view(on_me: float = 0.0, by_me: float = 0.0) -> View:
    """A view of side A with the given severities in force on it and by it."""
    return View("A", "B", START, Streams(1)("policy", "A"), severity_on_me=on_me,
                severity_by_me=by_me)


#: Restrictions of B in force on A from the start: severity 3 + 2 + 0.5 = 5.5.
B_RESTRICTS = [
    {"date": START, "move": "local_hire_ban", "id": "b-ban"},
    {"date": START, "move": "visa_policy", "approval_rate": 0.5, "processing_days": 60,
     "id": "b-visa"},
    {"date": START, "move": "travel_radius", "km": 40, "id": "b-radius"},
]


class TestEscalate(PolicyCase):
    cls = Escalate
    params: ClassVar[dict[str, Any]] = {"lag_days": 10, "base_rate": 3.0}

    def test_rate_grows_with_suffering_and_falls_with_own_measures(self):
        """The yearly rate rises with the severity suffered and falls with the severity imposed."""
        policy = Escalate(base_rate=0.5, grievance=0.1, restraint=0.05)
        assert policy.rate(view()) == pytest.approx(0.5)
        assert policy.rate(view(on_me=10)) == pytest.approx(1.5)
        assert policy.rate(view(by_me=4)) == pytest.approx(0.3)
        assert policy.rate(view(on_me=10, by_me=4)) == pytest.approx(1.3)
        rates = [policy.rate(view(on_me=s)) for s in range(6)]
        assert rates == sorted(rates) and rates[0] < rates[-1]

    def test_rate_is_never_negative(self):
        """However much it has imposed, the rate stays at zero, not below."""
        assert Escalate(base_rate=0.5, restraint=1.0).rate(view(by_me=100)) == 0.0

    def test_unprovoked_moves_at_about_base_rate(self, make_scenario):
        """With nothing suffered, A makes about ``base_rate`` hostile moves a year on its own."""
        policy = {"policy": "escalate", "base_rate": 4.0, "grievance": 0, "restraint": 0}
        years = (make_scenario().end - START).days / 365.25
        for seed in (1, 2, 3):
            moves = versus(make_scenario, policy, [], seed=seed)
            assert moves == restrictions(moves)
            assert 0.5 * 4.0 * years <= len(moves) <= 1.5 * 4.0 * years, len(moves)

    def test_moves_use_its_instruments_and_size(self, make_scenario):
        """Each escalation uses one of ``instruments`` with ``size``: here, expulsions of 7."""
        policy = {"policy": "escalate", "base_rate": 4.0, "instruments": ["expel"], "size": 7}
        moves = versus(make_scenario, policy, [], end=D(2020, 12, 31))
        assert moves and set(kinds(moves)) == {("expel", "count=7 notice_days=7")}
        assert {row.source for row in moves} == {"policy: escalate"}

    def test_grievance_drives_moves(self, make_scenario):
        """With no base rate, A escalates only while B's restrictions are in force on it."""
        policy = {"policy": "escalate", "base_rate": 0, "grievance": 1.0, "restraint": 0}
        assert versus(make_scenario, policy, []) == []
        assert len(versus(make_scenario, policy, B_RESTRICTS)) >= 5


#: A's restrictions on B at the start, of three kinds, oldest first.
A_RESTRICTS = [
    {"date": START, "actor": "A", "move": "travel_radius", "km": 40, "id": "t1"},
    {"date": D(2020, 1, 2), "actor": "A", "move": "expel", "count": 5, "id": "x1"},
    {"date": D(2020, 1, 3), "actor": "A", "move": "visa_policy", "approval_rate": 0.5,
     "processing_days": 60, "id": "v1"},
]
GRIT = {"policy": "grit", "interval_days": 60, "lag_days": 10}


class TestGrit(PolicyCase):
    cls = Grit
    params: ClassVar[dict[str, Any]] = {"lag_days": 10, "interval_days": 60}
    script: ClassVar[list[dict[str, Any]]] = [
        *A_RESTRICTS, {"date": D(2020, 5, 15), "move": "expel", "count": 3},
        {"date": D(2020, 9, 1), "move": "close_post", "post": "con"}]

    def test_concedes_oldest_first_announcing_each(self, make_scenario):
        """Every ``interval_days`` A announces, then lifts, its oldest measure in force on B."""
        moves = versus(make_scenario, GRIT, A_RESTRICTS)
        assert kinds(moves) == [
            ("statement", "proposal: GRIT: announces it lifts t1"), ("lift", "measure=t1"),
            ("statement", "proposal: GRIT: announces it lifts x1"), ("lift", "measure=x1"),
            ("statement", "proposal: GRIT: announces it lifts v1"), ("lift", "measure=v1")]
        assert [days_after(row, START) for row in moves] == [60, 60, 120, 120, 180, 180]

    def test_exploited_stops_conceding_and_answers_in_kind(self, make_scenario):
        """Once B makes a hostile move, A concedes no more and answers B's moves in kind."""
        script = [*A_RESTRICTS, {"date": D(2020, 3, 15), "move": "expel", "count": 10},
                  {"date": D(2020, 8, 1), "move": "local_hire_ban"}]
        moves = versus(make_scenario, GRIT, script)
        assert kinds(moves) == [
            ("statement", "proposal: GRIT: announces it lifts t1"), ("lift", "measure=t1"),
            ("expel", "count=10 notice_days=7"), ("local_hire_ban", "notice_days=30")]
        assert 1 <= days_after(moves[2], D(2020, 3, 15)) <= 40

    def test_nothing_to_concede_nothing_done(self, make_scenario):
        """With no measure of its own in force, GRIT makes no move."""
        assert versus(make_scenario, GRIT, []) == []

    def test_concedes_oldest_of_two_of_a_kind_first(self, make_scenario):
        """Of two expulsions in force, GRIT lifts the older one first, as it announces."""
        script = [{"date": START, "actor": "A", "move": "expel", "count": 5, "id": "x1"},
                  {"date": D(2020, 1, 2), "actor": "A", "move": "expel", "count": 6, "id": "x2"}]
        moves = versus(make_scenario, GRIT, script)
        assert kinds(moves) == [
            ("statement", "proposal: GRIT: announces it lifts x1"), ("lift", "measure=x1"),
            ("statement", "proposal: GRIT: announces it lifts x2"), ("lift", "measure=x2")]


#: Each side has two restrictions in force on the other from the start.
BOTH_RESTRICT = [
    {"date": START, "actor": "A", "move": "expel", "count": 5, "id": "a1"},
    {"date": START, "actor": "A", "move": "travel_radius", "km": 40, "id": "a2"},
    {"date": START, "move": "expel", "count": 5, "id": "b1"},
    {"date": START, "move": "travel_radius", "km": 40, "id": "b2"},
]
PACKAGE = {"policy": "package", "lag_days": 10}


class TestPackage(PolicyCase):
    cls = Package
    script: ClassVar[list[dict[str, Any]]] = [
        *BOTH_RESTRICT, {"date": D(2020, 3, 1), "move": "lift", "measure": "b1"},
        {"date": D(2020, 9, 1), "move": "lift_all"}]

    def test_lift_all_answered_by_lift_all(self, make_scenario):
        """When B lifts everything, A lifts everything, after its lag."""
        script = [*BOTH_RESTRICT, {"date": D(2020, 6, 1), "move": "lift_all"}]
        sim = play(make_scenario, PACKAGE, script)
        moves = [row for row in sim.log if row.actor == "A" and row.origin == "policy"]
        assert kinds(moves) == [("lift_all", "")]
        assert 1 <= days_after(moves[0], D(2020, 6, 1)) <= 40
        assert sim.mission("B").restrictions() == sim.mission("A").restrictions() == []

    def test_partial_lift_not_answered(self, make_scenario):
        """When B lifts one of its two restrictions, A does nothing."""
        script = [*BOTH_RESTRICT, {"date": D(2020, 6, 1), "move": "lift", "measure": "b1"}]
        assert versus(make_scenario, PACKAGE, script) == []

    def test_last_restriction_lifted_answered_by_lift_all(self, make_scenario):
        """When B lifts its last restriction one by one, A lifts everything."""
        script = [*BOTH_RESTRICT, {"date": D(2020, 6, 1), "move": "lift", "measure": "b1"},
                  {"date": D(2020, 9, 1), "move": "lift", "measure": "b2"}]
        moves = versus(make_scenario, PACKAGE, script)
        assert kinds(moves) == [("lift_all", "")]
        assert moves[0].date > D(2020, 9, 1)

    def test_hostile_move_not_answered(self, make_scenario):
        """A hostile move of B draws no answer."""
        script = [*BOTH_RESTRICT, {"date": D(2020, 6, 1), "move": "expel", "count": 10},
                  {"date": D(2020, 9, 1), "move": "close_post", "post": "con"}]
        assert versus(make_scenario, PACKAGE, script) == []
