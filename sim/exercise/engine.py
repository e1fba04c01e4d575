"""The exercise engine: people play a side of a scenario, turn by turn, and the model
adjudicates.

The engine holds no user interface and prints nothing: the terminal
(``sim.exercise.terminal``) and the web page are front ends on this one API, and
everything it returns is plain data (frozen dataclasses of text and numbers).

API::

    from sim.exercise import Exercise, ExerciseError

    ex = Exercise("scenarios/record-2016-2025.yaml", play="US",
                  start=dt.date(2021, 1, 1), turns="record", seed=None, out=None)
    while ex.turn is not None:          # a Turn, or None once the last one is played
        turn = ex.turn                  # date, state, the other side's moves, legal moves,
        ...                             # what the side did in the record at this point
        ex.legal_moves("US")            # the same list as turn.legal["US"]
        move = ex.move("US", "expel", {"count": 30})   # built and checked: a Move, or
        ...                             # ExerciseError with one line saying what is wrong
        played = ex.play([move])        # Played: the moves in words, the record's moves
    finished = ex.finish()              # Finished: the files written (also after `q`)

- ``Exercise(scenario, play, start, turns, seed, out, force, figures)``: ``play`` is a
  side id or ``both`` (default: the scenario's first side);
  ``start`` the first day the players decide (default: the scenario's start); ``turns``
  is ``"record"`` (the days on which a played side moved in the scenario, from ``start``
  on) or a number of days between decision points; ``seed`` defaults to the scenario's.
  ``out`` is where ``finish`` writes (default ``results/exercise-<scenario stem>/``),
  checked at once (``force`` replaces Parity's own output there). Mistakes (an unknown
  side, a date outside the scenario, an ``out`` Parity may not replace) raise
  ``ParityUserError``.
- ``turn``: the current ``Turn``; ``legal_moves(side)``: its ``LegalMove`` list.
- ``so_far``: the Simulation of the scenario played so far, run to the current
  decision point (for figures of the path so far).
- ``move(side, name, params, args)``: a catalogue move made by ``side`` today, from a
  name (or an unambiguous beginning of one: ``close`` is ``close_post``) and parameters
  given by name (``params``, values as text or numbers) or in order (``args``, the
  move's parameters in the order ``LegalMove.params`` lists them). It checks the move
  against the state now (the post is open, the measure lifted is in force and the
  side's own...), so ``play`` only fails on moves built elsewhere.
- ``effect(move)``: what a move would do now, in words (``would take 4.1% ...``).
- ``play(moves)``: make the turn's moves (any number; none is the default) and advance
  to the next decision point; returns ``Played``.
- ``finish()``: write the exercise's scenario file (``exercise.yaml``), its run's usual
  files (as ``parity run`` writes them), the base scenario's run (``base/``) and an
  after-action brief to ``out`` (``brief.md``, and with figures ``report.html``, the
  report comparing the base run with the exercise), all at once; returns ``Finished``.
  It can be called at any turn (``q``): the played side then makes no further moves.
- Also read-only: ``dates`` (every decision point), ``played_sides``, ``moves`` (the moves
  played so far, as the file records them: source and name added), ``scenario_text()``
  (the file as it stands now), ``base`` (the base ``Scenario``) and ``base_run``.

One ``Exercise`` is one game, with state: a front end serving several people (a web
page) keeps one per game and lets one request at a time play it.

How it stays honest: a played side's moves replace its scripted moves from ``start``
on (``drop_moves``), and its policy, if it has one, stops then (``policy.until``). The
scenario played so far is a file that ``extends:`` the base, and every turn's state is
computed by running that file from the scenario's start to the turn's date: the
exercise *is* a run of the file it writes, so ``parity run exercise.yaml`` replays it
to the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from sim.errors import ParityUserError, clip
from sim.harm import Loss
from sim.metrics import JOINT_METRICS, SIDE_METRICS, joint_metrics, side_metrics
from sim.model import LoggedMove, Simulation
from sim.moves import BY_NAME, IN_FORCE, MOVES, Move
from sim.scenario.checks import check_move, one_of
from sim.scenario.schema import Scenario
from sim.state import Measure
from sim.words import field_value, mission_name, move_words

#: The name of the scenario file an exercise writes.
SCENARIO_FILE = "exercise.yaml"
#: Where the base scenario's run is written, inside the exercise's output.
BASE_DIR = "base"
#: Moves a player cannot make: talks settle irritants (``settle``), not one side alone.
NOT_PLAYED = frozenset({"settle"})
#: Most days between decision points, and most decision points in one exercise.
MAX_EVERY_DAYS = 3650
MAX_TURNS = 500
#: Moves of the other side shown on the first turn, from before it.
RECENT_ON_FIRST_TURN = 3


class _Dumper(yaml.SafeDumper):
    """YAML as a person writes it: a date used twice is written twice, not as an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class ExerciseError(ParityUserError):
    """A move or a command a player got wrong: one line, and the turn goes on."""


@dataclass(frozen=True)
class Event:
    """A move as people read it: who did what, on whose mission, and where it is sourced."""

    date: dt.date
    actor: str
    target: str
    move: str
    words: str
    source: str
    origin: str


@dataclass(frozen=True)
class InForce:
    """A measure in force on a mission."""

    id: str
    actor: str
    target: str
    move: str
    words: str
    since: dt.date
    #: Its harm when made, in percent of the target's functions as the target weighs them.
    harm: float


@dataclass(frozen=True)
class SideState:
    """One side's mission now, beside the base scenario's at the same date."""

    side: str
    mission: str
    #: Every metric of ``sim.metrics.SIDE_METRICS`` now (None: not defined now).
    metrics: dict[str, float | None]
    #: The same in the base scenario's run at the same date.
    base: dict[str, float | None]
    #: Measures in force on this mission (the other side's restrictions and its own).
    measures: list[InForce]
    #: Consular services: posts issuing visas to the public, and posts suspended.
    posts: list[str]
    closed: list[str]
    suspended: list[str]


@dataclass(frozen=True)
class Param:
    """A parameter of a move: its name, type in words, default, meaning and choices."""

    name: str
    kind: str
    required: bool
    default: Any
    description: str
    #: Values it can take now (posts open, measures in force...), each with its words.
    choices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LegalMove:
    """A move a side can make now, with an example and what the example would do."""

    name: str
    summary: str
    params: list[Param]
    #: The example as typed at the terminal (``expel 30``), its parameters, and in words.
    example: str
    example_params: dict[str, Any]
    words: str
    effect: str


@dataclass(frozen=True)
class Turn:
    """A decision point: the state at the start of its day and what each played side
    can do.
    """

    number: int
    total: int
    date: dt.date
    #: The next decision point (None: this is the last; the moves hold to the end).
    next: dt.date | None
    played: list[str]
    sides: dict[str, SideState]
    #: Joint metrics (tension...) now and in the base run.
    joint: dict[str, float | None]
    base_joint: dict[str, float | None]
    #: What the sides not played (and talks, and outside events) did since the last turn.
    recent: list[Event]
    #: The moves each played side can make, by side.
    legal: dict[str, list[LegalMove]]
    #: What the played sides did in the base scenario from this decision point to the
    #: next, with sources: shown after the turn is played.
    history: list[Event]


@dataclass(frozen=True)
class Played:
    """A turn played: the moves made, the record's at that point, and the path so far."""

    turn: int
    date: dt.date
    moves: list[Event]
    history: list[Event]
    #: Where the moves have led: the state at the next decision point (or the end),
    #: beside the base scenario's at that date.
    at: dt.date
    sides: dict[str, SideState]


@dataclass(frozen=True)
class Finished:
    """What ``finish`` wrote."""

    out: Path
    scenario: Path
    files: list[str]
    brief: Path
    #: Turns played, of all the decision points.
    turns_played: int
    total: int
    sim_seconds: float


Turns = Literal["record"] | int


class Exercise:
    """One exercise: a scenario, the sides played, and the moves played so far."""

    def __init__(self, scenario: str | Path, play: str | None = None,
                 start: dt.date | None = None, turns: Turns = "record",
                 seed: int | None = None, out: Path | None = None, force: bool = False,
                 figures: bool = True):
        from sim.destination import check_destination
        from sim.scenario import load_scenario

        self.path = Path(scenario)
        self.base = load_scenario(self.path)
        self.seed = self.base.seed if seed is None else seed
        if self.seed < 0:
            raise ParityUserError(f"--seed {self.seed}: must be a whole number >= 0")
        sides = list(self.base.sides)
        play = sides[0] if play is None else play
        if play not in (*sides, "both"):
            raise ParityUserError(f"--play {clip(play)}: not a side of {self.path.name} "
                                  f"{one_of(play, [*sides, 'both'])}")
        self.played_sides = sides if play == "both" else [play]
        self.start = start or self.base.start
        if not self.base.start <= self.start <= self.base.end:
            raise ParityUserError(f"--from {self.start}: outside the scenario (allowed: "
                                  f"{self.base.start} to {self.base.end})")
        #: Where ``finish`` writes: checked now, so nobody plays an exercise it cannot save.
        self.out = out or Path("results") / f"exercise-{self.path.stem}"
        self.force = force
        self.figures = figures
        check_destination(self.out, force)
        self.base_run = Simulation(self.base, seed=self.seed).run()
        self.dates = self._decision_points(turns)
        self.moves: list[Move] = []
        self.index = 0
        self._base_now = Simulation(self.base, seed=self.seed)
        self._sim = self._run_to(self.dates[0])
        self.turn: Turn | None = self._make_turn()

    # -- decision points ------------------------------------------------------------

    def _decision_points(self, turns: Turns) -> list[dt.date]:
        """The days the players decide on: the played sides' own moves, or every N days."""
        if turns == "record":
            dates = sorted({e.date for e in self.base_run.log if e.actor in self.played_sides
                            and e.origin in ("scenario", "policy") and e.date >= self.start})
            if not dates:
                raise ParityUserError(
                    f"--turns record: {' and '.join(self.played_sides)} make no move in "
                    f"{self.path.name} from {self.start} on; give --turns N (every N days)")
        else:
            if not isinstance(turns, int) or not 1 <= turns <= MAX_EVERY_DAYS:
                raise ParityUserError(f"--turns {turns}: must be `record` or a number of days "
                                      f"from 1 to {MAX_EVERY_DAYS}")
            days = range(0, (self.base.end - self.start).days + 1, turns)
            dates = [self.start + dt.timedelta(days=d) for d in days]
        if len(dates) > MAX_TURNS:
            raise ParityUserError(f"--turns {turns}: {len(dates)} decision points from "
                                  f"{self.start} (allowed: at most {MAX_TURNS}); give a "
                                  "later --from or more days between turns")
        return dates

    # -- the scenario played so far -------------------------------------------------

    def scenario_text(self) -> str:
        """The scenario file the exercise writes: the base, the played side's moves from
        ``start`` dropped, its policy stopped then, and the moves played so far.
        """
        base = os.path.relpath(os.path.abspath(self.path), os.path.abspath(self.out))
        played = " and ".join(self.played_sides)
        data: dict[str, Any] = {
            "extends": Path(base).as_posix(),
            "name": f"{self.base.name}: exercise, {played} played from {self.start}",
            "seed": self.seed,
            "drop_moves": {"from": self.start,
                           **({"actor": played} if len(self.played_sides) == 1 else {})},
        }
        stopped = {side: self._stopped_policy(side) for side in self.played_sides}
        if any(stopped.values()):
            data["sides"] = {side: {"policy": policy} for side, policy in stopped.items()
                             if policy}
        data["moves"] = [self._move_data(move) for move in self.moves]
        header = (f"# An exercise on {self.path.name}: {played} played from {self.start}, "
                  f"seed {self.seed}.\n# Replay it with: parity run {SCENARIO_FILE}\n")
        return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                                  width=100)

    def _stopped_policy(self, side: str) -> dict[str, Any] | None:
        """A played side's policy, stopped on the first day played (None: it has none)."""
        policy = self.base.sides[side].policy
        if policy.policy == "scripted":
            return None
        data = policy.model_dump(exclude_defaults=True, by_alias=True)
        return {"policy": policy.policy, **data, "until": self.start}

    @staticmethod
    def _move_data(move: Move) -> dict[str, Any]:
        data = move.model_dump(exclude_none=True)
        return {key: data[key] for key in ("date", "actor", "move", "target", "id")
                if key in data} | {k: v for k, v in data.items()
                                   if k not in ("date", "actor", "move", "target", "id")}

    def _scenario_now(self) -> Scenario:
        """The scenario played so far, built from the text the exercise would write."""
        from sim.scenario.extends import resolve
        from sim.scenario.loader import from_source
        from sim.scenario.yamlsource import load_text

        text = self.scenario_text()
        source = load_text(text, str(self.out / SCENARIO_FILE))
        source.raw = [text.encode("utf-8")]
        return from_source(resolve(source))

    def _run_to(self, date: dt.date) -> Simulation:
        """The scenario played so far, run from its start to the start of ``date``; the
        base scenario's run brought to the same day.
        """
        sim = Simulation(self._scenario_now(), seed=self.seed)
        for run in (sim, self._base_now):
            if run.today < date:
                run.run_until(date)
        return sim

    @property
    def so_far(self) -> Simulation:
        """The scenario played so far, run to the current decision point (to the end once
        the last turn is played): what a front end draws the path so far from.
        """
        return self._sim

    # -- turns ----------------------------------------------------------------------

    def _make_turn(self) -> Turn:
        sim, date = self._sim, self.dates[self.index]
        nxt = self.dates[self.index + 1] if self.index + 1 < len(self.dates) else None
        return Turn(
            number=self.index + 1, total=len(self.dates), date=date, next=nxt,
            played=list(self.played_sides), sides=self._sides(sim),
            joint=self._joint(sim), base_joint=self._joint(self._base_now),
            recent=self._recent(sim, date),
            legal={side: self._legal(sim, side) for side in self.played_sides},
            history=self._history(date, nxt))

    def _sides(self, sim: Simulation) -> dict[str, SideState]:
        out = {}
        for side, mission in sim.missions.items():
            posts = mission.posts.values()
            out[side] = SideState(
                side=side, mission=mission.name,
                metrics=_named(SIDE_METRICS, side_metrics(sim, mission)),
                base=_named(SIDE_METRICS, side_metrics(self._base_now,
                                                       self._base_now.missions[side])),
                measures=[self._in_force(sim, m) for m in mission.measures.values()],
                posts=[p.name for p in posts if p.open and p.issues_visas],
                closed=[p.name for p in posts if not p.open],
                suspended=[p.name for p in posts if p.open and p.consular_suspended])
        return out

    @staticmethod
    def _joint(sim: Simulation) -> dict[str, float | None]:
        rows = [side_metrics(sim, m) for m in sim.missions.values()]
        return _named(JOINT_METRICS, joint_metrics(sim, rows))

    def _in_force(self, sim: Simulation, measure: Measure) -> InForce:
        return InForce(measure.id, measure.actor, measure.target, measure.move.move,
                       move_words(measure.move, sim.scenario), sim.scenario.date(measure.start),
                       round(measure.harm, 2))

    def _event(self, sim: Simulation, row: LoggedMove) -> Event:
        from sim.words import sentence

        fields = {"date": row.date.isoformat(), "actor": row.actor, "target": row.target,
                  "move": row.move, "detail": row.detail}
        summary = {"sides": {s: {"name": spec.name} for s, spec in sim.scenario.sides.items()}}
        return Event(row.date, row.actor, row.target, row.move, sentence(fields, summary),
                     row.source, row.origin)

    def _recent(self, sim: Simulation, date: dt.date) -> list[Event]:
        """What the others did since the last turn (on the first, their last few moves)."""
        others = [row for row in sim.log if row.actor not in self.played_sides
                  or row.origin in ("talks", "shock")]
        if self.index == 0:
            return [self._event(sim, row) for row in others[-RECENT_ON_FIRST_TURN:]]
        since = self.dates[self.index - 1]
        return [self._event(sim, row) for row in others if since <= row.date < date]

    def _history(self, date: dt.date, nxt: dt.date | None) -> list[Event]:
        """What the played sides did in the base scenario from ``date`` to the next turn."""
        return [self._event(self.base_run, row) for row in self.base_run.log
                if row.actor in self.played_sides and row.origin in ("scenario", "policy")
                and date <= row.date and (nxt is None or row.date < nxt)]

    # -- moves ----------------------------------------------------------------------

    def legal_moves(self, side: str) -> list[LegalMove]:
        """The moves ``side`` can make this turn (empty once the exercise is over)."""
        if self.turn is None:
            return []
        if side not in self.turn.legal:
            raise ExerciseError(f"{clip(side)} is not played in this exercise "
                                f"{one_of(side, self.played_sides)}")
        return self.turn.legal[side]

    def _legal(self, sim: Simulation, side: str) -> list[LegalMove]:
        found = []
        for cls in MOVES:
            name = _name(cls)
            if name in NOT_PLAYED:
                continue
            example = _example(sim, side, cls, self._liftable(sim, side))
            if example is None:
                continue
            params = [_param(cls, key, self._choices(sim, side, cls, key)) for key in
                      _own_fields(cls)]
            found.append(LegalMove(
                name=name, summary=cls.summary, params=params,
                example=" ".join([name, *(_shown(example.params()[k]) for k in example_keys(
                    cls, example))]),
                example_params={k: v for k, v in example.params().items() if v is not None},
                words=move_words(example, sim.scenario), effect=_effect(sim, example)))
        return found

    def _liftable(self, sim: Simulation, side: str) -> list[Measure]:
        """The side's measures in force that a file can lift by name: those with an id of
        the scenario's own (the base's or a played move's), oldest first.
        """
        named = {m.id for m in sim.scenario.moves if m.id}
        return [m for mission in sim.missions.values() for m in mission.measures.values()
                if m.actor == side and m.id in named]

    def _choices(self, sim: Simulation, side: str, cls: type[Move], key: str
                 ) -> dict[str, str]:
        """The values a parameter can take now, each in words."""
        other = sim.scenario.other(side)
        name = _name(cls)
        if key == "measure":
            return {m.id: f"{move_words(m.move, sim.scenario)} (since {sim.scenario.date(m.start)})"
                    for m in self._liftable(sim, side)}
        if key in ("post", "posts"):
            if name == "reopen_post":
                return {m.move.post: sim.missions[m.target].posts[m.move.post].name
                        for mission in sim.missions.values()
                        for m in mission.in_force("close_post") if m.actor == side}
            missions = [sim.missions[side]] if cls.own_mission else (
                [sim.missions[other], sim.missions[side]] if name == "close_post"
                else [sim.missions[other]])
            return {p.id: p.name for mission in missions for p in mission.posts.values()
                    if p.open}
        if key == "property":
            if name == "return_property":
                return {m.move.property: m.move.property.replace("_", " ")
                        for m in sim.missions[other].in_force("seize_property")
                        if m.actor == side}
            return {pid: next(p.name for p in sim.scenario.sides[other].properties
                              if p.id == pid)
                    for pid, held in sim.missions[other].properties.items() if held}
        annotation = cls.model_fields[key].annotation
        literal = [a for a in (annotation, *typing.get_args(annotation))
                   if typing.get_origin(a) is Literal]
        return {str(v): str(v) for v in typing.get_args(literal[0])} if literal else {}

    def move(self, side: str, name: str, params: Mapping[str, Any] | None = None,
             args: Sequence[Any] = ()) -> Move:
        """A move ``side`` makes this turn, built and checked against the state now."""
        if self.turn is None:
            raise ExerciseError("the exercise is over: no more moves")
        legal = {m.name: m for m in self.legal_moves(side)}
        cls = self._move_class(name, legal)
        keys = _own_fields(cls)
        given = dict(params or {})
        if len(args) > len(keys):
            raise ExerciseError(f"{_name(cls)} takes at most {len(keys)} values "
                                f"({', '.join(keys) or 'none'}); got {len(args)}")
        for key, value in zip(keys, args, strict=False):
            if key in given:
                raise ExerciseError(f"{_name(cls)}: {key} given twice")
            given[key] = value
        unknown = [k for k in given if k not in (*keys, "note")]
        if unknown:
            raise ExerciseError(f"{_name(cls)} has no parameter '{clip(unknown[0])}' "
                                f"{one_of(unknown[0], [*keys, 'note'])}")
        fields = {k: field_value(cls, k, v) if isinstance(v, str) else v
                  for k, v in given.items()}
        fields.update(date=self.turn.date, actor=side)
        target = self._own_post_target(side, cls, fields)
        if target is not None:
            fields["target"] = target
        try:
            move = cls.model_validate(fields)
        except ValidationError as exc:
            raise ExerciseError(_validation_line(cls, exc)) from None
        self._check(move)
        return move

    def _move_class(self, name: str, legal: dict[str, LegalMove]) -> type[Move]:
        """The move a player means: its name, or the one move whose name begins so."""
        key = name.strip().lower().replace("-", "_")
        cls = BY_NAME.get(key)
        if cls is None:
            starting = [n for n in BY_NAME if n.startswith(key) and n not in NOT_PLAYED]
            if len(starting) == 1:
                cls = BY_NAME[starting[0]]
            elif len(starting) > 1:
                raise ExerciseError(f"'{clip(name)}' could be {', '.join(starting)}: type more "
                                    "of the name")
            else:
                names = [n for n in BY_NAME if n not in NOT_PLAYED]
                raise ExerciseError(f"unknown move '{clip(name)}' {one_of(key, names)}")
        if _name(cls) in NOT_PLAYED:
            raise ExerciseError(f"{_name(cls)} is made by talks, not by one side")
        if _name(cls) not in legal:
            raise ExerciseError(f"{_name(cls)} cannot be made now: {self._why_not(cls)}")
        return cls

    def _why_not(self, cls: type[Move]) -> str:
        """Why a move of the catalogue is not among today's legal moves."""
        return {"lift": "none of your measures in force has a name to lift it by",
                "lift_all": "you have no restriction in force",
                "reopen_post": "you have closed no post",
                "return_property": "you hold none of the other side's properties",
                "resume_consular": "your visa services are not suspended",
                "resume_flights": "you have not suspended flights",
                "banking_guarantee": "you guarantee their banking already",
                }.get(_name(cls), "you have it in force already, or nothing to make it on")

    def _own_post_target(self, side: str, cls: type[Move], fields: dict[str, Any]
                         ) -> str | None:
        """A closure of one of the side's own posts acts on its own mission."""
        assert self._sim is not None
        post = fields.get("post")
        if _name(cls) in ("close_post", "reopen_post") and isinstance(post, str):
            own = self._sim.missions[side].posts
            other = self._sim.missions[self._sim.scenario.other(side)].posts
            if post in own and post not in other:
                return side
        return None

    def _check(self, move: Move) -> None:
        """The move refers to what exists and can be made on today's state."""
        sim = self._sim
        problems = [f"{key}: {text}" for key, text in check_move(sim.scenario, move)]
        if problems:
            raise ExerciseError(f"{move.move}: {problems[0]}")
        for key, choices in ((k, self._choices(sim, move.actor, type(move), k))
                             for k in ("measure", "post", "property")
                             if k in type(move).model_fields):
            value = getattr(move, key)
            if value is not None and value not in choices:
                raise ExerciseError(f"{move.move}: {key} '{clip(value)}' cannot be chosen now "
                                    f"{one_of(str(value), list(choices))}")
        posts = getattr(move, "posts", None)
        if posts:
            choices = self._choices(sim, move.actor, type(move), "posts")
            wrong = [p for p in posts if p not in choices]
            if wrong:
                raise ExerciseError(f"{move.move}: post '{clip(wrong[0])}' cannot be chosen "
                                    f"now {one_of(wrong[0], list(choices))}")

    def effect(self, move: Move) -> str:
        """What ``move`` would do if made now, in words."""
        return _effect(self._sim, move)

    def play(self, moves: Sequence[Move] = ()) -> Played:
        """Make this turn's moves and advance to the next decision point."""
        turn = self.turn
        if turn is None:
            raise ExerciseError("the exercise is over: no more turns")
        for move in moves:
            if move.actor not in self.played_sides or move.date != turn.date:
                raise ExerciseError(f"{move.move}: must be made by "
                                    f"{' or '.join(self.played_sides)} on {turn.date}")
            self._check(move)
        numbered: list[Move] = []
        for move in moves:  # each named apart from the base's and every earlier one
            numbered.append(self._numbered(move, taken=[*self.moves, *numbered]))
        at = self.dates[self.index + 1] if self.index + 1 < len(self.dates) else self.base.end
        before = list(self.moves)
        self.moves.extend(numbered)
        try:
            sim = self._run_to(at)
        except ParityUserError as exc:  # the turn is not played: the exercise stays as it was
            self.moves[:] = before
            raise ExerciseError(f"the turn cannot be played: {str(exc).splitlines()[0]}") \
                from None
        except BaseException:
            self.moves[:] = before
            raise
        self.index += 1
        self._sim = sim
        made = [self._event(self._sim, row) for row in self._sim.log
                if row.date == turn.date and row.origin == "scenario"
                and row.actor in self.played_sides and row.source.startswith("exercise")]
        played = Played(turn.number, turn.date, made, turn.history, at, self._sides(self._sim))
        self.turn = self._make_turn() if self.index < len(self.dates) else None
        return played

    def _numbered(self, move: Move, taken: Sequence[Move]) -> Move:
        """The move as the file records it: its source, and a name if it stays in force,
        used by none of the base's moves nor of ``taken``.
        """
        update: dict[str, Any] = {
            "source": f"exercise: played by {move.actor}, turn {self.index + 1} of "
                      f"{len(self.dates)}"}
        if move.persists and move.id is None:  # a name to lift it by, unused in the base
            used = {m.id for m in self.base.moves} | {m.id for m in taken}
            number = len(taken) + 1
            while f"exercise-{move.actor}-{number}" in used:
                number += 1
            update["id"] = f"exercise-{move.actor}-{number}"
        return move.model_copy(update=update)

    # -- the end ----------------------------------------------------------------------

    def finish(self) -> Finished:
        """Write the scenario played, its run, the base run and the brief to ``out``, all
        at once. After ``finish`` no more moves can be played.
        """
        from sim.destination import staged
        from sim.output import write_run_files
        from sim.scenario import load_scenario

        out_dir, text = self.out, self.scenario_text()
        with staged(out_dir, self.force, command="exercise") as staging:
            (staging / SCENARIO_FILE).write_text(text, encoding="utf-8")
            sim = Simulation(load_scenario(staging / SCENARIO_FILE), seed=self.seed)
            started = time.perf_counter()
            sim.run()
            seconds = time.perf_counter() - started
            files = [SCENARIO_FILE, *write_run_files(
                sim, staging, figures=self.figures, timing={"sim_seconds": round(seconds, 4)})]
            files += [f"{BASE_DIR}/{f}" for f in write_run_files(
                self.base_run, staging / BASE_DIR, figures=False)]
            briefs = write_brief(self, sim, staging)
            files += [brief.relative_to(staging).as_posix() for brief in briefs]
            brief = briefs[-1]
        self.turn = None
        return Finished(out_dir, out_dir / SCENARIO_FILE, files, out_dir / brief.name,
                        self.index, len(self.dates), seconds)


# -- the catalogue, read for players ----------------------------------------------------


def _name(cls: type[Move]) -> str:
    return str(cls.model_fields["move"].default)


def _own_fields(cls: type[Move]) -> list[str]:
    """A move's own parameters, in the order they are typed."""
    return [k for k in cls.model_fields if k not in Move.COMMON]


def example_keys(cls: type[Move], example: Move) -> list[str]:
    """The parameters an example shows in order: up to the last one set away from its
    default (``expel 30``, not ``expel 30 7``).
    """
    keys = _own_fields(cls)
    shown = [i for i, k in enumerate(keys) if cls.model_fields[k].is_required()
             or getattr(example, k) != cls.model_fields[k].default]
    return keys[: max(shown) + 1] if shown else []


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _param(cls: type[Move], key: str, choices: dict[str, str]) -> Param:
    info = cls.model_fields[key]
    kind = {int: "whole number", float: "number", str: "text", bool: "yes/no",
            dt.date: "date"}
    annotation = info.annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    base = args[0] if args else annotation
    words = ("list of " + kind.get(typing.get_args(base)[0], "text")
             if typing.get_origin(base) is list else kind.get(base, "one of the choices"))
    return Param(key, words, info.is_required(), None if info.is_required() else info.default,
                 info.description or "", choices)


def _example(sim: Simulation, side: str, cls: type[Move], liftable: list[Measure]
             ) -> Move | None:
    """A move of ``cls`` ``side`` could make now, or None if it can make none."""
    other = sim.scenario.other(side)
    common: dict[str, Any] = {"date": sim.today, "actor": side}
    mine_on_other = [m for m in sim.missions[other].measures.values() if m.actor == side]
    own = sim.missions[side]
    name = _name(cls)
    if cls.is_instrument():
        size = max(1, round(len(sim.missions[other].expats) / 10))
        made = cls.from_intent(sim.context, common, other, size)
        if made == IN_FORCE and _own_fields(cls) in ([], ["notice_days"]):
            return None  # nothing to add: it is in force, and has nothing to vary
        if isinstance(made, Move):
            return made
        if name == "staff_cap":  # no parity ceiling below the target's staff: a tenth less
            return cls(**common, ceiling=max(0, round(sim.missions[other].staff_total * 0.9)))
        if made == IN_FORCE:  # in force with parameters: a new one replaces it
            return next(m.move for m in reversed(mine_on_other) if m.move.move == name
                        ).model_copy(update={"date": sim.today, "id": None, "source": None,
                                             "note": None})
        return None
    if name == "lift":
        return cls(**common, measure=liftable[-1].id) if liftable else None
    if name == "lift_all":
        return cls(**common) if any(m.is_restriction for m in mine_on_other) else None
    lifts = {"reopen_post": "close_post", "return_property": "seize_property",
             "resume_flights": "suspend_flights"}
    if name in lifts:
        held = [m for m in mine_on_other if m.move.move == lifts[name]]
        if not held:
            return None
        key = {"reopen_post": "post", "return_property": "property"}.get(name)
        return cls(**common, **({key: getattr(held[-1].move, key)} if key else {}))
    if name == "banking_guarantee":
        return None if any(m.move.move == name for m in mine_on_other) else cls(**common)
    if name == "suspend_consular":
        return cls(**common) if any(p.issues_visas for p in own.posts.values()) else None
    if name == "resume_consular":
        return cls(**common) if own.in_force("suspend_consular") else None
    if name == "statement":
        return cls(**common, kind="protest")
    return cls(**common)


def _effect(sim: Simulation, move: Move) -> str:
    """What ``move`` would do if made now, in words: a restriction's harm (the share of the
    target mission's functions it takes, as the target weighs them: ``sim.harm``), or
    what a concession gives back (the harm of the measures it lifts, when they were made).
    """
    sides = list(sim.missions)
    target = move.target_in(sides)
    mission = sim.missions[target]
    if move.is_instrument() and target != move.actor:
        loss = move.harm(sim.context, target)
        value = sim.harm_value(target, loss)
        return f"would take {value:.1f}% of {target}'s mission ({_loss_words(loss)})"
    lifted = _would_lift(sim, move)
    if lifted:
        given = sum(max(0.0, m.harm) for m in lifted)
        what = "; ".join(move_words(m.move, sim.scenario) for m in lifted[:3])
        more = f" and {len(lifted) - 3} more" if len(lifted) > 3 else ""
        return (f"would lift {len(lifted)} measure{'s' if len(lifted) > 1 else ''} "
                f"({what}{more}), whose harm when made adds up to {given:.1f} points "
                f"(100 is the whole of {target}'s mission on the day)")
    if move.move == "statement":
        return "changes nothing on the missions; it is on the timeline"
    if target == move.actor:
        return f"acts on your own mission, the {mission.name}"
    return "takes nothing measurable from the other mission now"


def _loss_words(loss: Loss) -> str:
    parts = [(loss.staff, "staff"), (loss.work, "diplomat-days a month"),
             (loss.consular, "visas a month"), (loss.cost, "thousand a year in costs")]
    shown = [f"{value:,.0f} {unit}" for value, unit in parts if round(value) != 0]
    return ", ".join(shown) or "nothing measurable now"


def _would_lift(sim: Simulation, move: Move) -> list[Measure]:
    """The measures a concession would lift if made now (as its ``apply`` picks them)."""
    target = sim.missions[move.target_in(list(sim.missions))]
    mine = [m for m in target.measures.values() if m.actor == move.actor]
    kind = {"reopen_post": ("close_post", "post"), "return_property":
            ("seize_property", "property"), "resume_flights": ("suspend_flights", None),
            "banking_guarantee": ("banking_restriction", None)}
    if move.move == "lift":
        return [m for mission in sim.missions.values() for m in mission.measures.values()
                if m.id == move.measure and m.actor == move.actor]
    if move.move == "lift_all":
        return [m for m in mine if m.is_restriction]
    if move.move in kind:
        name, key = kind[move.move]
        return [m for m in mine if m.move.move == name
                and (key is None or getattr(m.move, key) == getattr(move, key))]
    return []


def _named(names: Mapping[str, str], values: Sequence[float]) -> dict[str, float | None]:
    return {name: None if math.isnan(v) else round(float(v), 3)
            for name, v in zip(names, values, strict=True)}


def _validation_line(cls: type[Move], exc: ValidationError) -> str:
    """A pydantic error on a player's move as one line: the parameter and what it takes."""
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or _name(cls)
    if error["type"] == "missing":
        keys = [k for k in _own_fields(cls) if cls.model_fields[k].is_required()]
        return (f"{_name(cls)} needs {where} (type e.g. {_name(cls)} "
                f"{' '.join(k.upper() for k in keys)})")
    given = error.get("input")
    return f"{_name(cls)}: {where} {clip(given)!s}: {error['msg'].lower()}"


# -- the after-action brief ---------------------------------------------------------------


def write_brief(exercise: Exercise, sim: Simulation, staging: Path) -> list[Path]:
    """The after-action brief: a short plain-text brief (``brief.md``), and with figures
    the report comparing the base run with the exercise (``report.html``, ``sim.report``).
    Returns the files written, the one to open first last.
    """
    written = [_plain_brief(exercise, sim, staging / "brief.md")]
    if exercise.figures:
        from sim.report import write_report

        written.append(write_report([staging / BASE_DIR, staging], staging / "report.html"))
    return written


#: The figures the plain brief sets side by side, by side: (metric, words).
BRIEF_METRICS = (("staff_total", "staff"), ("posts_open", "posts open"),
                 ("consular_output", "visas issued a month"),
                 ("work_capacity", "diplomat-days a month"))


def _plain_brief(exercise: Exercise, sim: Simulation, path: Path) -> Path:
    """Played moves against the record's, and the key figures at the end side by side."""
    base = exercise.base_run
    played = " and ".join(exercise.played_sides)
    lines = [f"# After-action brief: {sim.scenario.name}", "",
             f"{played} played from {exercise.start} on {exercise.path.name} (seed "
             f"{exercise.seed}): {exercise.index} of {len(exercise.dates)} turns played.", "",
             "## Moves played", ""]
    ours = [exercise._event(sim, row) for row in sim.log if row.origin == "scenario"
            and row.actor in exercise.played_sides and row.source.startswith("exercise")]
    lines += [f"- {e.date}: {e.words}" for e in ours] or ["- none"]
    lines += ["", f"## What {played} did in {exercise.path.name} from {exercise.start}", ""]
    theirs = [exercise._event(base, row) for row in base.log
              if row.actor in exercise.played_sides and row.origin in ("scenario", "policy")
              and row.date >= exercise.start]
    lines += [f"- {e.date}: {e.words}" + (f" (source: {e.source})" if e.source else "")
              for e in theirs] or ["- none"]
    lines += ["", f"## At the end, {sim.scenario.end}", "",
              "| mission | figure | exercise | base |", "|---|---|---|---|"]
    for side in sim.missions:
        now = _named(SIDE_METRICS, sim.monitor.side_values[-1, list(sim.missions).index(side)])
        then = _named(SIDE_METRICS, base.monitor.side_values[-1, list(base.missions).index(side)])
        for metric, words in BRIEF_METRICS:
            lines.append(f"| {mission_name(_summary(sim), side)} | {words} | "
                         f"{_figure(now[metric])} | {_figure(then[metric])} |")
    at = list(JOINT_METRICS).index("tension")
    tension = (sim.monitor.joint_values[-1, at], base.monitor.joint_values[-1, at])
    lines.append(f"| both | tension | {_figure(tension[0])} | {_figure(tension[1])} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _summary(sim: Simulation) -> dict[str, Any]:
    return {"sides": {s: {"name": spec.name} for s, spec in sim.scenario.sides.items()}}


def _figure(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.0f}"
