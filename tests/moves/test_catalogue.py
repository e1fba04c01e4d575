"""Every move of the catalogue, checked by the same rules (Axelrod's shared harness).

Each rule is one test, parametrised over ``MOVES``: a move is documented, pickles,
builds itself from a policy's intent if it is an instrument, changes what is
measured when made, and, where it stays in force, gives back what it took
when lifted.
"""

from __future__ import annotations

import datetime as dt
import pickle

import numpy as np
import pytest

from sim.metrics import SIDE_METRICS
from sim.model import Simulation
from sim.moves import BY_NAME, IN_FORCE, INSTRUMENTS, IRRITANTS, MOVES, Lift, Move
from sim.moves.base import Move as BaseMove
from sim.words import describe

from .harness import CASES, UNDOES, make_move

NAMES = list(BY_NAME)
ACTING = [n for n in NAMES if n != "statement"]
START = dt.date(2020, 3, 1)
#: Metrics of what a mission is and does; not the counts of measures in force or the
#: parameters they set, which any move changes by being made.
FUNCTIONS = [m for m in SIDE_METRICS if m not in ("restrictions_in_force", "travel_radius_km")]


def _actor(name: str) -> str:
    """B restricts A's larger mission; A suspends and resumes its own consular work."""
    return "A" if name in ("suspend_consular", "resume_consular") else "B"


def _started(make_scenario, seed: int = 3) -> Simulation:
    sim = Simulation(make_scenario(), seed=seed)
    sim.run_until(START)
    return sim


def _make(sim: Simulation, name: str, ident: str | None = None) -> Move:
    size = 1 if name == "settle" else 151  # settle "staffing", what UNDOES makes first
    move = make_move(sim, name, _actor(name), size=size, notice=7, ident=ident)
    assert move is not None, name
    return move


def _made(make_scenario, name: str) -> Move:
    """The move, made after what it undoes when it undoes something."""
    sim = _started(make_scenario)
    if name in UNDOES:
        sim.apply(_make(sim, UNDOES[name], ident="first"))
    return _make(sim, name)


def _functions(sim: Simulation) -> np.ndarray:
    columns = [list(SIDE_METRICS).index(m) for m in FUNCTIONS]
    return sim.monitor.side_values[:, :, columns]


def test_every_move_has_a_case():
    """The harness builds every move of the catalogue: a new move comes with its case."""
    assert set(CASES) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_documented(name):
    """A move says what it does: a docstring, a one-line summary, a description per
    parameter.
    """
    cls = BY_NAME[name]
    assert cls.__doc__ and cls.summary
    own = {k: f for k, f in cls.model_fields.items() if k not in BaseMove.COMMON}
    assert all(f.description for f in own.values()), name


@pytest.mark.parametrize("name", NAMES)
def test_says_what_it_does_in_words(make_scenario, name):
    """A move describes itself for a slide: a capitalised phrase with no parameter dumps."""
    words = _made(make_scenario, name).in_words()
    assert words[:1].isupper() and "=" not in words and name not in words, words


@pytest.mark.parametrize("name", NAMES)
def test_words_survive_the_event_log(make_scenario, name):
    """Figures and reports read moves back from ``events.csv``: the row gives the same words."""
    move = _made(make_scenario, name)
    row = {"date": move.date.isoformat(), "actor": move.actor, "move": move.move,
           "detail": move.detail()}
    assert describe(row) == move.in_words()


@pytest.mark.parametrize("name", ACTING)
def test_pickles_with_its_state(make_scenario, name):
    """A move and the state of its measure survive pickling (for worker processes)."""
    sim = _started(make_scenario)
    undone = UNDOES.get(name)
    if undone:
        sim.apply(_make(sim, undone, ident="first"))
    move = _make(sim, name)
    measure = sim.apply(move)
    assert pickle.loads(pickle.dumps(move)) == move
    assert type(pickle.loads(pickle.dumps(measure.state))) is type(measure.state)


@pytest.mark.parametrize("name", list(INSTRUMENTS))
def test_instrument_builds_itself_from_an_intent(make_scenario, name):
    """A policy meaning to restrict with an instrument gets a move of that instrument."""
    sim = _started(make_scenario)
    common = {"date": sim.today, "actor": "B", "source": "policy: test"}
    built = INSTRUMENTS[name].from_intent(sim.context, common, "A", 3.0)
    assert isinstance(built, INSTRUMENTS[name])


@pytest.mark.parametrize("name", [n for n in NAMES if n not in INSTRUMENTS])
def test_only_restrictions_are_instruments(name):
    """A move that is not a restriction in force cannot be built from an intent."""
    with pytest.raises(NotImplementedError):
        BY_NAME[name].from_intent(None, {}, "A", 1.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", list(INSTRUMENTS))
def test_a_once_only_instrument_is_not_made_twice(make_scenario, name):
    """An instrument that makes no sense twice says it is in force, rather than falling
    back to another; those that can be repeated build again.
    """
    sim = _started(make_scenario)
    common = {"date": sim.today, "actor": "B", "source": "policy: test"}
    first = INSTRUMENTS[name].from_intent(sim.context, common, "A", 3.0)
    assert isinstance(first, Move)
    sim.apply(first)
    again = INSTRUMENTS[name].from_intent(sim.context, common, "A", 3.0)
    repeatable = name in ("expel", "close_post", "staff_cap", "seize_property")
    assert again != IN_FORCE if repeatable else again == IN_FORCE


def test_talks_can_settle_every_restriction():
    """Every instrument is settled under one irritant, so talks can lift any of them."""
    settled = {kind for kinds in IRRITANTS.values() for kind in kinds}
    assert settled == set(INSTRUMENTS)


@pytest.mark.parametrize("name", ACTING)
def test_changes_what_is_measured(make_scenario, name):
    """Made on the plain scenario, a move changes what a mission is or does within a
    year (a lifting move: against the run where what it lifts stays in force).
    """
    runs = []
    for make_it in (False, True):
        sim = _started(make_scenario)
        undone = UNDOES.get(name)
        if undone:
            sim.apply(_make(sim, undone, ident="first"))
            sim.run_until(START + dt.timedelta(days=30))
        if make_it:
            sim.apply(_make(sim, name))
        sim.run_until(START + dt.timedelta(days=365))
        runs.append(_functions(sim))
    assert not np.array_equal(*runs, equal_nan=True)


def _structure(sim: Simulation) -> tuple:
    """What a measure takes and its lifting must give back: positions, posts, properties,
    consular sections and the parameters in force (not the people, who return over time).
    """
    out = []
    for side, mission in sim.missions.items():
        posts = tuple((p.id, p.expat_positions, p.local_positions, p.open,
                       p.consular_suspended) for p in mission.posts.values())
        params = tuple(repr(mission.current(kind)) for kind in
                       ("visa_policy", "travel_radius", "travel_notice", "suspend_flights",
                        "banking_restriction"))
        out.append((side, posts, tuple(sorted(mission.properties.items())), params,
                    tuple(sorted(m.move.move for m in mission.measures.values()))))
    return tuple(out)


@pytest.mark.parametrize("name", [n for n in NAMES if BY_NAME[n].persists])
def test_lifting_gives_back_what_it_took(make_scenario, name):
    """A measure in force for two months and then lifted leaves positions, posts,
    properties and parameters as they were before it.
    """
    sim = _started(make_scenario)
    before = _structure(sim)
    measure = sim.apply(_make(sim, name, ident="m"))
    sim.run_until(START + dt.timedelta(days=60))
    assert _structure(sim) != before or name in ("local_hire_ban", "tenure_limit")
    sim.apply(Lift(date=sim.today, actor=measure.actor, measure="m"))
    assert _structure(sim) == before


def test_catalogue_is_listed_once():
    """``MOVES`` lists each class once, and ``BY_NAME`` names each by its ``move:``."""
    assert len(set(MOVES)) == len(MOVES) == len(BY_NAME)
