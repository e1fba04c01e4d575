"""The simulation: SimPy events that rotate staff, decide visas and apply moves.

Only what changes the state is scheduled: a tour ending, a replacement being
asked for, a visa decision, an arrival, a local hire, a move and its deadline,
and the monitor's samples. A ten-year run is a few tens of thousands of events.

``Simulation`` composes its parts (the clock, staffing, the effects of moves,
talks, the sides' policies, the monitor) and keeps the register of measures;
moves reach the world only through the narrow ``Context`` it hands them.

A run can be advanced to a date, inspected, given a move and continued::

    sim = Simulation(scenario, seed=1)
    sim.run_until(date(2021, 10, 1))
    sim.apply(LiftAll(date=date(2021, 10, 1), actor="RU"))
    sim.run()
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.clock import Clock
from sim.consular import ConsularService
from sim.effects import Effects
from sim.errors import ParityUserError
from sim.harm import Baseline, Loss, value
from sim.metrics import Monitor
from sim.moves import Move
from sim.policies.driver import PolicyDriver
from sim.relations import Relations
from sim.scenario.checks import check_move, check_moves, check_sides_named
from sim.scenario.schema import Scenario, SideSpec
from sim.shocks import schedule as schedule_shocks
from sim.staffing import Staffing
from sim.state import Measure, Mission, Post
from sim.streams import Streams
from sim.talks import TalksProcess


@dataclass(frozen=True)
class LoggedMove:
    """One row of the event log: a move as it was made."""

    date: dt.date
    actor: str
    target: str
    move: str
    detail: str
    source: str
    origin: str


def build_mission(side: str, host: str, spec: SideSpec) -> Mission:
    """The mission as the scenario describes it at the start, before staff arrive: every
    position filled, and planned as the sending side's planning says (default: all).
    """
    plan = spec.planning.planned
    posts = {
        p.id: Post(p.id, p.name, p.kind, p.expat, p.local, p.consular_share, local=p.local,
                   planned_expat=_planned(plan.get(p.id), "expat", p.expat),
                   planned_local=_planned(plan.get(p.id), "local", p.local),
                   start_expat=p.expat, start_local=p.local)
        for p in spec.posts
    }
    return Mission(side, host, spec.name, posts, {p.id: True for p in spec.properties})


def _planned(post: Any, kind: str, positions: int) -> int:
    value = getattr(post, kind, None) if post is not None else None
    return positions if value is None else value


class MoveContext:
    """What a move may do to the world (``sim.moves.base.Context``), and nothing else."""

    def __init__(self, sim: Simulation):
        """The context of ``sim``'s moves."""
        self._sim = sim
        self.effects = sim._effects
        self.mission = sim.mission

    @property
    def today(self) -> dt.date:
        """The calendar date now."""
        return self._sim.today

    @property
    def now(self) -> float:
        """Days since the scenario's start."""
        return self._sim.now

    def spec(self, side: str) -> SideSpec:
        """How the scenario describes ``side`` and its mission."""
        return self._sim.scenario.sides[side]

    def after(self, days: float, measure: Measure, fn: Callable[[], None]) -> None:
        """Call ``fn`` after ``days`` unless ``measure`` has been lifted by then."""
        token = measure.token
        self._sim.clock.at(days, lambda: fn() if measure.token == token else None)

    def lift_where(self, target: str | None, match: Callable[[Measure], bool]
                   ) -> list[Measure]:
        """Lift the measures in force (on ``target``, or anywhere) that ``match``."""
        return self._sim._lift_where(target, match)

    def apply(self, move: Move, origin: str = "policy") -> Measure:
        """Make a follow-up move now, logged like any other."""
        return self._sim.apply(move, origin=origin)


class Simulation:
    """One run of a scenario with one seed.

    Its surface is what a user needs: ``run``, ``run_until`` and ``apply`` (every move
    made through it is checked and logged), and the read side: ``missions`` and
    ``mission()``, ``today``, ``now``, ``log``, ``measures``, ``monitor`` and the
    public's visa queues (``consular``). Staffing and the effects of moves are private
    parts; moves and policies' builders reach them through ``context``.
    """

    def __init__(self, scenario: Scenario, seed: int | np.random.SeedSequence | None = None):
        """Set up a run; ``seed`` is an int, a ``SeedSequence`` (one replicate of an
        ensemble, spawned in the parent) or None for the scenario's own seed.
        """
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.clock = Clock()
        self.streams = Streams(self.seed)
        self._ids = itertools.count()
        # The parts that change the state are private: moves reach them through
        # ``self.context``, and a user through ``apply``, which logs every move.
        self._staffing = Staffing(scenario, self.clock, self.streams, self._ids)
        self._effects = Effects(scenario, self.streams, self._staffing)
        self.context = MoveContext(self)
        self.missions = {
            side: build_mission(side, scenario.other(side), spec)
            for side, spec in scenario.sides.items()
        }
        self.consular = ConsularService(scenario, self.clock, self.streams, self.missions)
        self.end_day = scenario.day(scenario.end)
        self.log: list[LoggedMove] = []
        self.measures: list[Measure] = []
        self.observers: list[Callable[[Simulation, Measure, str], None]] = []
        self._measure_numbers: dict[str, int] = {}
        #: Every measure id made or reserved by the file, so generated ids never clash.
        self.by_id: dict[str, Measure] = {}
        self._reserved = {move.id for move in scenario.moves if move.id}
        problems = [f"moves[{i}].{f}: {m}" for i, f, m in check_moves(scenario)]
        problems += [f"{'.'.join(map(str, path))}: {m}" for path, m in check_sides_named(scenario)]
        if problems:  # a scenario built in code gets the same checks as a file
            raise ParityUserError("; ".join(problems))
        for move in scenario.moves:
            self.clock.at(scenario.day(move.date), self._apply_scripted, move)
        for mission in self.missions.values():
            self._staffing.staff_at_start(mission)
        #: Each side's priorities now (a shock can change them).
        self.priorities = {side: spec.priorities for side, spec in scenario.sides.items()}
        self.relations = Relations(self, scenario.relations)
        schedule_shocks(self, scenario.shocks)  # before the talks: a shock comes before a
        self.talks = TalksProcess(self, scenario.talks)  # round on the same day
        self.drivers = [PolicyDriver(self, side, spec.policy)
                        for side, spec in scenario.sides.items()
                        if spec.policy.policy != "scripted"]
        days = list(range(0, self.end_day + 1, scenario.sample_days))
        if days[-1] != self.end_day:
            days.append(self.end_day)
        self.monitor = Monitor(self, days)
        for day in days:
            self.clock.at(day, self.monitor.sample)

    # -- running --------------------------------------------------------------

    @property
    def now(self) -> float:
        """Days since the scenario's start."""
        return self.clock.now

    @property
    def events_processed(self) -> int:
        """Scheduled calls run so far."""
        return self.clock.events_processed

    @property
    def today(self) -> dt.date:
        """The calendar date now."""
        return self.scenario.date(self.now)

    def run_until(self, date: dt.date) -> None:
        """Advance to the start of ``date``: its moves have not been made yet."""
        day = self.scenario.day(date)
        if not self.now < day <= self.end_day + 1:
            raise ParityUserError(
                f"cannot run to {date}: the run is at {self.today} and ends {self.scenario.end}"
            )
        self.clock.run(until=day)

    def run(self) -> Simulation:
        """Run to the end of the scenario's last day."""
        if self.now <= self.end_day:
            self.clock.run(until=self.end_day + 1)
        return self

    # -- moves ----------------------------------------------------------------

    def mission(self, side: str) -> Mission:
        """The mission of ``side`` (in the other side's country)."""
        return self.missions[side]

    def _apply_scripted(self, move: Move) -> None:
        self.apply(move, origin="scenario", checked=True)

    def apply(self, move: Move, origin: str = "policy", checked: bool = False,
              responds_to: str | None = None) -> Measure:
        """Make a move now; returns the measure (in force if the move persists).

        ``origin`` is ``scenario``, ``policy`` or ``talks``; ``responds_to`` the
        id of the other side's measure this move answers, if any.
        """
        if not checked:
            self._check_now(move)
        target = move.target_in(list(self.missions))
        measure = Measure(self._measure_id(move), move, move.actor, target, self.now,
                          state=move.new_state(), responds_to=responds_to)
        if move.is_instrument() and target != move.actor:
            measure.loss = move.harm(self.context, target)
            measure.baseline = self.functions(target)
            measure.harm = self.harm_value(target, measure.loss, measure.baseline)
        self.by_id[measure.id] = measure
        self.log.append(LoggedMove(self.today, move.actor, target, move.move,
                                   self._detail(move, origin, responds_to), move.source or "",
                                   origin))
        if move.persists:
            self.missions[target].add_measure(measure)
            self.measures.append(measure)
        move.apply(self.context, measure)
        if measure.lifted:
            measure.harm = -sum(m.harm for m in measure.lifted)
        for observer in self.observers:
            observer(self, measure, origin)
        return measure

    def functions(self, side: str) -> Baseline:
        """What ``side``'s mission has now: what a loss is a share of."""
        return Baseline.of(self.scenario.sides[side], self.missions[side])

    def harm_value(self, side: str, loss: Loss, baseline: Baseline | None = None) -> float:
        """What ``loss`` to ``side``'s mission is worth to ``side`` by its priorities now, as
        a share of the mission's functions when ``baseline`` was taken (default: now).
        """
        return value(loss, baseline or self.functions(side), self.priorities[side])

    @staticmethod
    def _detail(move: Move, origin: str, responds_to: str | None) -> str:
        """The event log's detail: the parameters and, for a policy's move, what it answers
        and why (the policy's note), so answers can be told from initiatives.
        """
        parts = [move.detail(), f"answers {responds_to}" if responds_to else ""]
        if origin == "policy" and move.move != "statement":
            parts.append(move.note or "")
        return "; ".join(p for p in parts if p)

    def _check_now(self, move: Move) -> None:
        """A move made during the run must be dated today, refer to what exists, and
        lift only a measure its actor imposed that is in force.
        """
        problems = check_move(self.scenario, move, self.today)
        if move.date != self.today:
            problems.append(("date", f"{move.date} is not today ({self.today}): a move is made "
                                     "on the day the run has reached"))
        if move.move == "lift":
            measure = self.by_id.get(move.measure)
            if measure is None or measure.end is not None:
                problems.append(("measure", f"no measure '{move.measure}' is in force"))
            elif measure.actor != move.actor:
                problems.append(("measure", f"'{move.measure}' was imposed by {measure.actor}; "
                                            f"only {measure.actor} can lift it"))
        if move.id and (move.id in self.by_id or move.id in self._reserved):
            problems.append(("id", f"id '{move.id}' is already used (by the run or the file)"))
        if problems:
            raise ParityUserError("; ".join(f"{field}: {msg}" for field, msg in problems))

    def _measure_id(self, move: Move) -> str:
        """The move's own id, or the next free ``SIDE-move-N``."""
        if move.id:
            return move.id
        key = f"{move.actor}-{move.move}"
        while True:
            self._measure_numbers[key] = self._measure_numbers.get(key, 0) + 1
            candidate = f"{key}-{self._measure_numbers[key]}"
            if candidate not in self._reserved and candidate not in self.by_id:
                return candidate

    def _lift_where(self, target: str | None, match: Callable[[Measure], bool]
                    ) -> list[Measure]:
        """Lift the measures in force (on ``target``, or anywhere) that ``match``."""
        lifted = []
        for side, mission in self.missions.items():
            if target not in (None, side):
                continue
            for measure in [m for m in mission.measures.values() if match(m)]:
                mission.remove_measure(measure)
                measure.end = self.now
                measure.token += 1
                measure.move.lift(self.context, measure)
                lifted.append(measure)
        return lifted
