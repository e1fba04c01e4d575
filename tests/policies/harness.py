"""Play a policy against a scripted opponent, and the checks every policy gets for free.

In the style of the Axelrod library's strategy tests: ``versus`` is the
``versus_test`` (side A plays the policy, side B's moves are scripted), and
``PolicyCase`` is the base class whose checks each ``TestX(PolicyCase)`` in the
policy test files inherits, setting only ``cls``, ``params`` and ``script``.
"""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from sim.model import LoggedMove, Simulation
from sim.policies import BY_NAME, POLICIES, Intent, Observation, Policy, View
from sim.scenario.schema import Scenario
from sim.streams import Streams

MakeScenario = Callable[..., Scenario]
D = dt.date

#: The classifier keys every policy declares, no more and no fewer.
CLASSIFIER_KEYS = {"stochastic", "memory_depth", "escalates", "negotiates"}

#: B's posts with a consulate added, so that A can answer a closure with a closure
#: (the base scenario gives B an embassy only).
B_WITH_CONSULATE: dict[str, Any] = {
    "posts": [
        {"id": "bemb", "name": "B Embassy", "kind": "embassy", "expat": 80, "local": 10,
         "consular_share": 1.0},
        {"id": "bcon", "name": "B Consulate", "kind": "consulate", "expat": 10, "local": 5},
    ],
}

#: Eleven hostile moves of B, one a month from February 2020: expulsions of two,
#: and in July a closure. A month apart, answers with a 10-day lag keep their order.
HOSTILE_SCRIPT: list[dict[str, Any]] = [
    {"date": D(2020, month, 1), "move": "expel", "count": 2, "id": f"b{month}"}
    if month != 7 else {"date": D(2020, 7, 1), "move": "close_post", "post": "con", "id": "b7"}
    for month in range(2, 13)
]


def script_moves(script: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scenario ``moves`` from a script: B is the actor unless a move names another."""
    return [{"actor": "B", **move} for move in script]


def play(make_scenario: MakeScenario, policy: dict[str, Any] | Policy,
         script: Iterable[dict[str, Any]], seed: int = 1, end: dt.date | None = None,
         B: dict[str, Any] | None = None) -> Simulation:
    """Run the whole scenario with side A playing ``policy`` and ``script`` scripted.

    ``B`` merges into B's side spec (e.g. a consulate, or a policy of its own).
    """
    overrides: dict[str, Any] = {"A": {"policy": policy}, "B": dict(B or {}),
                                 "moves": script_moves(script)}
    if end is not None:
        overrides["end"] = end
    return Simulation(make_scenario(**overrides), seed=seed).run()


def versus_log(make_scenario: MakeScenario, policy: dict[str, Any] | Policy,
               script: Iterable[dict[str, Any]], seed: int = 1, end: dt.date | None = None,
               B: dict[str, Any] | None = None) -> list[LoggedMove]:
    """Every row of the event log of ``play``: both sides, scripted and policy moves."""
    return play(make_scenario, policy, script, seed, end, B).log


def versus(make_scenario: MakeScenario, policy: dict[str, Any] | Policy,
           script: Iterable[dict[str, Any]], seed: int = 1, end: dt.date | None = None,
           B: dict[str, Any] | None = None) -> list[LoggedMove]:
    """A's moves made by its policy (origin ``policy``) against B's scripted moves."""
    return [row for row in versus_log(make_scenario, policy, script, seed, end, B)
            if row.actor == "A" and row.origin == "policy"]


def kinds(rows: Iterable[LoggedMove]) -> list[tuple[str, str]]:
    """The moves by kind and size, without their dates or what they answer: ``(move, detail)``
    with the detail's parameters only (before any ``; answers ...``).
    """
    return [(row.move, "; ".join(p for p in row.detail.split("; ")[:1]
                                  if not p.startswith("answers "))) for row in rows]


def restrictions(rows: Iterable[LoggedMove]) -> list[LoggedMove]:
    """The rows that are not statements or lifts."""
    return [row for row in rows if row.move not in ("statement", "lift", "lift_all")]


def days_after(row: LoggedMove, date: dt.date) -> int:
    """Days from ``date`` to the row's date."""
    return (row.date - date).days


#: Moves of B as A would perceive them, to drive a policy without a simulation.
EXERCISE: list[Observation] = [
    Observation("B-statement-1", "statement"),
    Observation("B-expel-1", "expel", 10.0, hostile=True),
    Observation("B-lift-1", "lift", conciliatory=True, lifted=(("B-expel-1", "expel"),)),
    Observation("B-close_post-1", "close_post", hostile=True),
    Observation("B-expel-2", "expel", 3.0, hostile=True),
    Observation("B-lift_all-1", "lift_all", conciliatory=True, lift_all=True),
]


def exercise(policy: Policy, seed: int = 1) -> list[list[Intent]]:
    """Feed ``EXERCISE`` to ``react`` and call ``tick`` after each move, 40 days apart;
    returns every list of intents (this changes the policy's memory).
    """
    rng = Streams(seed)("policy", "A")
    out = []
    for step, seen in enumerate(EXERCISE):
        view = View("A", "B", D(2020, 1, 1) + dt.timedelta(days=40 * step), rng,
                    severity_on_me=float(step), severity_by_me=1.0,
                    my_measures=[("A-expel-1", "expel"), ("A-visa_policy-1", "visa_policy")],
                    restrictions_on_me=2)
        out.append(policy.react(seen, view))
        out.append(policy.tick(view))
    return out


class PolicyCase:
    """Checks every policy gets: a subclass named ``Test...`` sets ``cls`` and, if the
    defaults do not suit, ``params`` (keyword arguments), ``script`` (moves it meets,
    B's unless they name A) and ``B`` (B's side spec).
    """

    cls: ClassVar[type[Policy]]
    params: ClassVar[dict[str, Any]] = {"lag_days": 10}
    script: ClassVar[list[dict[str, Any]]] = HOSTILE_SCRIPT
    B: ClassVar[dict[str, Any]] = {}
    #: Short runs keep the free checks quick.
    end: ClassVar[dt.date] = D(2021, 6, 30)
    seeds: ClassVar[tuple[int, ...]] = (1, 2, 3, 4, 5)
    #: The policy makes no move at all (Scripted), so the run checks are vacuous.
    passive: ClassVar[bool] = False

    def policy(self) -> Policy:
        """A fresh policy with the case's parameters."""
        return self.cls(**self.params)

    def moves(self, make_scenario: MakeScenario, policy: Policy | None = None,
              seed: int = 1) -> list[LoggedMove]:
        """A's policy moves against the case's script."""
        return versus(make_scenario, policy or self.policy(), self.script, seed=seed,
                      end=self.end, B=self.B)

    def test_docstring_names_source(self) -> None:
        """A policy's docstring describes it and names its source."""
        doc = self.cls.__doc__ or ""
        assert doc.strip(), f"{self.cls.__name__} has no docstring"
        assert "Source:" in doc, f"{self.cls.__name__}'s docstring has no 'Source:'"
        assert doc.split("Source:", 1)[1].strip(), "'Source:' is followed by nothing"

    def test_name_and_summary(self) -> None:
        """A policy has a summary and a name no other policy uses, under which it is listed."""
        name = self.cls.model_fields["policy"].default
        assert name and self.policy().policy == name
        assert [p.model_fields["policy"].default for p in POLICIES].count(name) == 1
        assert BY_NAME[name] is self.cls
        assert self.cls.summary.strip()

    def test_classifier_keys(self) -> None:
        """The classifier has exactly the keys stochastic, memory_depth, escalates, negotiates."""
        assert set(self.cls.classifier) == CLASSIFIER_KEYS
        assert isinstance(self.cls.classifier["stochastic"], bool)
        assert isinstance(self.cls.classifier["memory_depth"], int)

    def test_copy_then_reset_is_fresh(self, make_scenario: MakeScenario) -> None:
        """A deep copy of a used policy, once reset, behaves exactly as a fresh one."""
        used = self.policy()
        exercise(used, seed=9)
        copy = used.model_copy(deep=True)
        copy.reset()
        assert copy == self.policy()
        assert exercise(copy) == exercise(self.policy())
        assert self.moves(make_scenario, copy) == self.moves(make_scenario)

    def test_pickle_round_trip(self, make_scenario: MakeScenario) -> None:
        """A pickled policy, memory included, loads equal and makes the same moves."""
        policy = self.policy()
        loaded = pickle.loads(pickle.dumps(policy))
        assert loaded == policy
        assert self.moves(make_scenario, loaded) == self.moves(make_scenario, policy)
        exercise(policy)
        assert pickle.loads(pickle.dumps(policy)) == policy

    def test_same_seed_same_moves(self, make_scenario: MakeScenario) -> None:
        """Two runs with the same seed make the same moves on the same dates."""
        assert self.moves(make_scenario, seed=3) == self.moves(make_scenario, seed=3)

    def test_chance_shows_only_if_stochastic(self, make_scenario: MakeScenario) -> None:
        """Without noise, a deterministic policy makes the same moves (by kind and size)
        whatever the seed; a stochastic one makes different moves for some seed.
        """
        policy = self.policy()
        assert policy.implementation_error == 0 and policy.misperception == 0
        runs = {tuple(kinds(self.moves(make_scenario, seed=seed))) for seed in self.seeds}
        if self.cls.classifier["stochastic"]:
            assert len(runs) > 1, "every seed gave the same moves"
        else:
            assert len(runs) == 1, runs
        assert self.passive or any(runs), "the script drew no move: the check shows nothing"

    def test_answer_by_value_draws_no_chance(self, make_scenario: MakeScenario) -> None:
        """With ``answer_by: value`` the same seed makes the same moves, and choosing by
        value draws no random number: a deterministic policy leaves its ``decide`` and
        ``error`` streams as it found them.
        """
        policy = self.cls(**{**self.params, "answer_by": "value"})
        assert self.moves(make_scenario, policy, seed=3) == self.moves(make_scenario, policy,
                                                                       seed=3)
        if self.cls.classifier["stochastic"]:
            return
        sim = play(make_scenario, policy, self.script, seed=3, end=self.end, B=self.B)
        fresh = Streams(sim.seed)
        for driver in sim.drivers:  # none for a scripted side
            for purpose in ("decide", "error"):
                assert driver.rng[purpose].random() == fresh("policy", "A", purpose).random()
