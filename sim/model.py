"""The simulation: SimPy events that rotate staff, decide visas and apply moves.

Only what changes the state is scheduled: a tour ending, a replacement being
asked for, a visa decision, an arrival, a local hire, a move and its deadline,
and the monitor's samples. A ten-year run is a few tens of thousands of events.

A run can be advanced to a date, inspected, given a move and continued::

    sim = Simulation(scenario, seed=1)
    sim.run_until(date(2021, 10, 1))
    sim.apply(LiftAll(date=date(2021, 10, 1), actor="RU"))
    sim.run()
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import simpy
from simpy.events import Timeout

from sim.errors import ParityUserError
from sim.metrics import Monitor
from sim.moves import Move
from sim.policies.driver import PolicyDriver
from sim.scenario.checks import check_move, check_moves
from sim.scenario.schema import Scenario, SideSpec
from sim.state import EMBASSY, Application, Expat, Measure, Mission, Post
from sim.streams import Streams
from sim.talks import TalksProcess

YEAR = 365.25
#: Room under "no ceiling": larger than any mission.
NO_CEILING = 10**9


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
    """The mission as the scenario describes it at the start, before staff arrive."""
    posts = {
        p.id: Post(p.id, p.name, p.kind, p.expat, p.local, p.consular_share, local=p.local)
        for p in spec.posts
    }
    return Mission(side, host, spec.name, posts, {p.id: True for p in spec.properties})


class Simulation:
    """One run of a scenario with one seed."""

    def __init__(self, scenario: Scenario, seed: int | None = None):
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.env = simpy.Environment()
        self.streams = Streams(self.seed)
        #: The streams the hot paths use, looked up once.
        self._tours = {side: self.streams("tours", side) for side in scenario.sides}
        self._visas = {side: self.streams("visas", side) for side in scenario.sides}
        self.missions = {
            side: build_mission(side, scenario.other(side), spec)
            for side, spec in scenario.sides.items()
        }
        self.end_day = scenario.day(scenario.end)
        self.events_processed = 0
        self.log: list[LoggedMove] = []
        self.measures: list[Measure] = []
        self.observers: list[Callable[[Simulation, Measure, str], None]] = []
        self._ids = itertools.count()
        self._measure_numbers: dict[str, int] = {}
        #: Every measure id made or reserved by the file, so generated ids never clash.
        self.by_id: dict[str, Measure] = {}
        self._reserved = {move.id for move in scenario.moves if move.id}
        problems = check_moves(scenario)
        if problems:  # a scenario built in code gets the same checks as a file
            raise ParityUserError("; ".join(f"moves[{i}].{f}: {m}" for i, f, m in problems))
        for move in scenario.moves:
            self._at(scenario.day(move.date), self._apply_scripted, move)
        for mission in self.missions.values():
            self._staff_at_start(mission)
        self.talks = TalksProcess(self, scenario.talks)
        self.drivers = [PolicyDriver(self, side, spec.policy)
                        for side, spec in scenario.sides.items()
                        if spec.policy.policy != "scripted"]
        days = list(range(0, self.end_day + 1, scenario.sample_days))
        if days[-1] != self.end_day:
            days.append(self.end_day)
        self.monitor = Monitor(self, days)
        for day in days:
            self._at(day, self.monitor.sample)

    # -- running --------------------------------------------------------------

    @property
    def now(self) -> float:
        """Days since the scenario's start."""
        return self.env.now

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
        self.env.run(until=day)

    def run(self) -> Simulation:
        """Run to the end of the scenario's last day."""
        if self.now <= self.end_day:
            self.env.run(until=self.end_day + 1)
        return self

    def _at(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` after ``delay`` days, as one SimPy event."""
        event = Timeout(self.env, delay if delay > 0.0 else 0.0)
        event.call = (fn, args)  # type: ignore[attr-defined]
        event.callbacks.append(self._fire)

    def _fire(self, event: Timeout) -> None:
        self.events_processed += 1
        fn, args = event.call  # type: ignore[attr-defined]
        fn(*args)

    def at_day(self, day: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on simulation day ``day`` (not before now)."""
        self._at(day - self.now, fn, *args)

    def after(self, days: float, measure: Measure, fn: Callable[[], None]) -> None:
        """Call ``fn`` after ``days`` unless ``measure`` has been lifted by then."""
        token = measure.token
        self._at(days, lambda: fn() if measure.token == token else None)

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
                          responds_to=responds_to)
        self.by_id[measure.id] = measure
        self.log.append(LoggedMove(self.today, move.actor, target, move.move,
                                   self._detail(move, origin, responds_to), move.source or "",
                                   origin))
        if move.persists:
            self.missions[target].add_measure(measure)
            self.measures.append(measure)
        move.apply(self, measure)
        for observer in self.observers:
            observer(self, measure, origin)
        return measure

    @staticmethod
    def _detail(move: Move, origin: str, responds_to: str | None) -> str:
        """The event log's detail: the parameters and, for a policy's move, what it answers
        and why (the policy's note), so answers can be told from initiatives."""
        parts = [move.detail(), f"answers {responds_to}" if responds_to else ""]
        if origin == "policy" and move.move != "statement":
            parts.append(move.note or "")
        return "; ".join(p for p in parts if p)

    def _check_now(self, move: Move) -> None:
        """A move made during the run must be dated today, refer to what exists, and
        lift only a measure its actor imposed that is in force."""
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
        if move.id and move.id in self.by_id:
            problems.append(("id", f"id '{move.id}' is already used"))
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

    def lift_where(self, target: str | None, match: Callable[[Measure], bool]) -> list[Measure]:
        """Lift the measures in force (on ``target``, or anywhere) that ``match``."""
        lifted = []
        for side, mission in self.missions.items():
            if target not in (None, side):
                continue
            for measure in [m for m in mission.measures.values() if match(m)]:
                mission.remove_measure(measure)
                measure.end = self.now
                measure.token += 1
                measure.move.lift(self, measure)
                lifted.append(measure)
        return lifted

    def current(self, mission: Mission, move_name: str) -> Any:
        """The latest move of a kind in force on ``mission``, or None."""
        measure = mission.latest(move_name)
        return measure.move if measure is not None else None

    # -- staff ----------------------------------------------------------------

    def _staff_at_start(self, mission: Mission) -> None:
        """Fill every expatriate position, each person part-way through a tour."""
        rng = self._tours[mission.side]
        for post in mission.posts.values():
            for _ in range(post.expat_positions):
                tour = self._tour_days(mission)
                arrival = -rng.random() * tour
                self._add_expat(mission, post, arrival, tour)

    def _tour_days(self, mission: Mission) -> float:
        t = self.scenario.sides[mission.side].tour_years
        return YEAR * self._tours[mission.side].triangular(t.low, t.mode, t.high)

    def _add_expat(self, mission: Mission, post: Post, arrival: float, tour: float) -> None:
        expat = Expat(next(self._ids), post.id, arrival, arrival + tour, arrival + tour)
        expat.leave_at = self._leave_day(mission, expat)
        mission.expats[expat.id] = expat
        post.expats += 1
        self._schedule_departure(mission, expat)

    def _schedule_departure(self, mission: Mission, expat: Expat) -> None:
        """(Re)schedule when a replacement is sought and when the person leaves."""
        expat.token += 1
        token = expat.token
        lead = self.scenario.sides[mission.side].visa_lead_days
        if not expat.replacement_requested:
            self._at(expat.leave_at - lead - self.now, self._seek_replacement,
                     mission, expat, token)
        self._at(expat.leave_at - self.now, self._tour_ends, mission, expat, token)

    def _seek_replacement(self, mission: Mission, expat: Expat, token: int) -> None:
        if expat.token != token or expat.id not in mission.expats:
            return
        expat.replacement_requested = True
        post = mission.posts[expat.post]
        post.requested += 1
        mission.awaiting.setdefault(post.id, []).append(expat.id)
        self._recruit_for(mission, post)

    def _tour_ends(self, mission: Mission, expat: Expat, token: int) -> None:
        if expat.token != token or expat.id not in mission.expats:
            return
        self._remove_expat(mission, expat)
        self._recruit_for(mission, mission.posts[expat.post])

    def _recruit_for(self, mission: Mission, post: Post) -> None:
        """Recruit after a change at one post: with no ceiling, no other post is affected."""
        if mission.latest("staff_cap") is not None:
            self.recruit(mission)
            return
        if post.open:
            for _ in range(post.expat_vacancies):
                self._request_visa(mission, post)

    def _remove_expat(self, mission: Mission, expat: Expat) -> None:
        del mission.expats[expat.id]
        post = mission.posts[expat.post]
        post.expats -= 1
        if expat.replacement_requested:
            post.requested -= 1

    def ceiling_room(self, mission: Mission) -> int:
        """How many more people the mission may have or bring in under its ceilings."""
        caps = [m.move.ceiling for m in mission.in_force("staff_cap")]
        if not caps:
            return NO_CEILING
        return min(caps) - mission.staff_total - mission.pipeline

    def recruit(self, mission: Mission) -> None:
        """Seek visas for expatriate vacancies and hire locals, within any ceiling."""
        room = self.ceiling_room(mission)
        for post in mission.posts.values():
            if not post.open:
                continue
            for _ in range(max(0, min(post.expat_vacancies, room))):
                self._request_visa(mission, post)
                room -= 1
        if room > 0:
            self._schedule_local_hire(mission)

    # -- visas ----------------------------------------------------------------

    def visa_policy(self, mission: Mission) -> Any:
        """The host's visa policy for the mission: the latest in force, or the baseline."""
        return (self.current(mission, "visa_policy")
                or self.scenario.sides[mission.side].host_visa_policy)

    def _request_visa(self, mission: Mission, post: Post) -> None:
        application = Application(next(self._ids), post.id)
        mission.applications[application.id] = application
        mission.visa_queue += 1
        post.pipeline += 1
        self._submit(mission, application)

    def _submit(self, mission: Mission, application: Application, wait: float = 0.0) -> None:
        """Put the application before the host, to be decided after its processing time."""
        mean = self.visa_policy(mission).processing_days
        delay = self._visas[mission.side].gamma4(mean) if mean > 0 else 0.0
        self._decide_after(mission, application, wait + max(delay, 1.0))

    def _decide_after(self, mission: Mission, application: Application, days: float) -> None:
        application.token += 1
        self._at(days, self._decide, mission, application, application.token)

    def _decide(self, mission: Mission, application: Application, token: int) -> None:
        if not application.alive or application.token != token:
            return
        policy = self.visa_policy(mission)
        year = int(self.now // YEAR)
        if policy.quota is not None and mission.issued_by_year.get(year, 0) >= policy.quota:
            mission.held[application.id] = application
            self._decide_after(mission, application, (year + 1) * YEAR - self.now)
            return
        mission.held.pop(application.id, None)
        if self._visas[mission.side].random() >= policy.approval_rate:
            mission.visas_denied += 1
            self._submit(mission, application, wait=self.scenario.sides[mission.side].reapply_days)
            return
        mission.visas_issued += 1
        mission.issued_by_year[year] = mission.issued_by_year.get(year, 0) + 1
        mission.visa_queue -= 1
        mission.in_transit += 1
        application.in_transit = True
        spec = self.scenario.sides[mission.side]
        detour = spec.flight_detour_days if self.current(mission, "suspend_flights") else 0.0
        arrival = max(self.now + spec.travel_days + detour, self._handover(mission, application))
        self._at(arrival - self.now, self._arrive, mission, application)

    def _handover(self, mission: Mission, application: Application) -> float:
        """When the person this replacement takes over from leaves (now if nobody): a
        position is not filled twice."""
        waiting = mission.awaiting.get(application.post, [])
        while waiting:
            predecessor = mission.expats.get(waiting.pop(0))
            if predecessor is not None and predecessor.post == application.post:
                return predecessor.leave_at
        return self.now

    def release_held(self, mission: Mission) -> None:
        """A new or lifted visa policy: applications held for a quota are decided again now."""
        for application in list(mission.held.values()):
            self._decide_after(mission, application, 0.0)
        mission.held.clear()

    def _arrive(self, mission: Mission, application: Application) -> None:
        if not application.alive:
            return
        self._drop_application(mission, application)
        post = mission.posts[application.post]
        self._add_expat(mission, post, self.now, self._tour_days(mission))

    def _drop_application(self, mission: Mission, application: Application) -> None:
        application.alive = False
        del mission.applications[application.id]
        mission.held.pop(application.id, None)
        mission.posts[application.post].pipeline -= 1
        if application.in_transit:
            mission.in_transit -= 1
        else:
            mission.visa_queue -= 1

    # -- local employees ------------------------------------------------------

    def _schedule_local_hire(self, mission: Mission) -> None:
        if mission.hiring or mission.in_force("local_hire_ban"):
            return
        vacancies = sum(max(0, p.local_vacancies) for p in mission.posts.values())
        if vacancies == 0:
            return
        # Each vacancy is filled after its own exponential delay, so the next hire
        # comes after mean / vacancies, but no faster than the mission can hire.
        mission.hiring = True
        spec = self.scenario.sides[mission.side]
        mean = max(spec.local_hire_days / vacancies, 30.4 / spec.local_hires_per_month)
        self._at(self.streams("locals", mission.side).exponential(mean), self._hire_local,
                 mission)

    def _hire_local(self, mission: Mission) -> None:
        mission.hiring = False
        if mission.in_force("local_hire_ban") or self.ceiling_room(mission) <= 0:
            return
        post = max(mission.posts.values(), key=lambda p: p.local_vacancies)
        if post.local_vacancies <= 0:
            return
        post.local += 1
        self._schedule_local_hire(mission)

    def lay_off_locals(self, mission: Mission) -> None:
        """Every local employee goes (their positions stay, to be refilled if allowed)."""
        for post in mission.posts.values():
            post.local = 0

    # -- what moves do to staff -----------------------------------------------

    def expel(self, mission: Mission, count: int, post: str | None) -> dict[str, list[int]]:
        """Remove ``count`` expatriates chosen by the host; abolish their positions."""
        pool = [e for e in mission.expats.values() if post is None or e.post == post]
        rng = self.streams("expulsions", mission.side)
        chosen = sorted(rng.generator.choice(len(pool), size=min(count, len(pool)), replace=False))
        abolished: dict[str, list[int]] = {}
        for i in chosen:
            expat = pool[i]
            self._remove_expat(mission, expat)
            self._abolish(mission.posts[expat.post], abolished, expats=1)
        return abolished

    @staticmethod
    def _abolish(post: Post, abolished: dict[str, list[int]], expats: int = 0,
                 locals_: int = 0) -> None:
        expats = min(expats, post.expat_positions)
        post.expat_positions -= expats
        post.local_positions -= locals_
        counts = abolished.setdefault(post.id, [0, 0])
        counts[0] += expats
        counts[1] += locals_

    def restore_positions(self, mission: Mission, abolished: dict[str, list[int]]) -> None:
        """Give back positions a measure abolished; expatriate ones of a closed post
        go to the embassy."""
        for post_id, (expats, locals_) in abolished.items():
            post = mission.posts[post_id]
            home = post if post.open else self._relocation_post(mission, post) or post
            home.expat_positions += expats
            post.local_positions += locals_
        self.recruit(mission)

    def enforce_ceiling(self, mission: Mission, ceiling: int) -> dict[str, list[int]]:
        """Bring the mission down to ``ceiling`` in its own reduction order."""
        for application in sorted(mission.applications.values(), key=lambda a: -a.id):
            if mission.staff_total + mission.pipeline <= ceiling:
                break
            self._drop_application(mission, application)
        abolished: dict[str, list[int]] = {}
        for step in self.scenario.sides[mission.side].reduction_order:
            excess = mission.staff_total - ceiling
            if excess <= 0:
                break
            if step.staff == "local":
                self._cut_locals(mission, min(excess, mission.staff_local - step.keep), abolished)
            else:
                self._cut_expats(mission, min(excess, len(mission.expats) - step.keep), abolished)
        return abolished

    def _cut_locals(self, mission: Mission, n: int, abolished: dict[str, list[int]]) -> None:
        """Cut ``n`` local employees across posts in proportion to their numbers."""
        total = mission.staff_local
        if n <= 0 or total == 0:
            return
        posts = list(mission.posts.values())
        exact = [n * p.local / total for p in posts]
        cuts = [math.floor(x) for x in exact]
        by_remainder = sorted(range(len(posts)), key=lambda i: -(exact[i] - cuts[i]))
        for i in by_remainder[: n - sum(cuts)]:
            cuts[i] += 1
        for post, cut in zip(posts, cuts, strict=True):
            post.local -= cut
            self._abolish(post, abolished, locals_=cut)

    def _cut_expats(self, mission: Mission, n: int, abolished: dict[str, list[int]]) -> None:
        """Send home the ``n`` expatriates closest to the end of their tours.

        A position is abolished only when nobody else holds it: someone leaving
        whose successor has already arrived frees no position.
        """
        for expat in sorted(mission.expats.values(), key=lambda e: (e.leave_at, e.id))[:max(n, 0)]:
            self._remove_expat(mission, expat)
            post = mission.posts[expat.post]
            if post.expat_vacancies > 0:
                self._abolish(post, abolished, expats=1)

    # -- what moves do to posts -----------------------------------------------

    @staticmethod
    def _relocation_post(mission: Mission, closing: Post) -> Post | None:
        """Where staff of a closing post go: the embassy, else another open post."""
        open_posts = [p for p in mission.posts.values() if p.open and p is not closing]
        embassies = [p for p in open_posts if p.kind == EMBASSY]
        return (embassies or open_posts or [None])[0]

    def _reassign(self, mission: Mission, expat: Expat, post: Post) -> None:
        """Move an expatriate to another post, under that post's tenure limits."""
        self._remove_expat(mission, expat)
        expat.post = post.id
        mission.expats[expat.id] = expat
        post.expats += 1
        post.requested += expat.replacement_requested
        leave = self._leave_day(mission, expat)
        if leave != expat.leave_at:
            expat.leave_at = leave
            self._schedule_departure(mission, expat)

    def close_post(self, mission: Mission, post_id: str) -> dict[str, Any]:
        """Close a post: locals laid off, expatriates and their positions moved
        (or, with nowhere to go, sent home)."""
        post = mission.posts[post_id]
        if not post.open:
            return {"to": None, "positions": 0}
        home = self._relocation_post(mission, post)
        post.open = False
        post.local = 0
        moved = {"to": home.id if home else None, "positions": post.expat_positions}
        for expat in [e for e in mission.expats.values() if e.post == post_id]:
            if home is None:
                self._remove_expat(mission, expat)
            else:
                self._reassign(mission, expat, home)
        for application in [a for a in mission.applications.values() if a.post == post_id]:
            if home is None:
                self._drop_application(mission, application)
            else:
                application.post = home.id
                post.pipeline -= 1
                home.pipeline += 1
        if home is not None:
            home.expat_positions += post.expat_positions
        post.expat_positions = 0
        return moved

    def reopen_post(self, mission: Mission, post_id: str, moved: dict[str, Any]) -> None:
        """Reopen a post, taking back its positions and the staff moved with them."""
        post = mission.posts[post_id]
        post.open = True
        positions = moved["positions"]
        if moved["to"] is not None:
            home = mission.posts[moved["to"]]
            if not home.open:  # the embassy closed too: take them from where they went
                home = self._relocation_post(mission, post) or home
            positions = min(positions, home.expat_positions)
            home.expat_positions -= positions
            surplus = -home.expat_vacancies
            staying = [e for e in mission.expats.values() if e.post == home.id]
            for expat in sorted(staying, key=lambda e: -e.id)[:max(0, min(surplus, positions))]:
                self._reassign(mission, expat, post)
        post.expat_positions += positions
        self.recruit(mission)

    def set_consular(self, mission: Mission) -> None:
        """Each post's visa work is suspended while any suspension in force covers it."""
        covered: set[str] = set()
        for measure in mission.in_force("suspend_consular"):
            covered |= measure.undo["covers"]
        for post in mission.posts.values():
            post.consular_suspended = post.id in covered

    # -- tenure limits --------------------------------------------------------

    def _leave_day(self, mission: Mission, expat: Expat) -> float:
        """End of the drawn tour, or earlier under the tenure limits covering the post.

        Under a limit one leaves on reaching it, but not before the limit's
        deadline: those already over it when it is imposed leave by the deadline.
        """
        leave = expat.tour_end
        for measure in mission.in_force("tenure_limit"):
            move = measure.move
            if move.posts is None or expat.post in move.posts:
                deadline = self.scenario.day(move.deadline or move.date)
                leave = min(leave, max(expat.arrival + move.years * YEAR, deadline))
        return max(leave, self.now)

    def reconsider_tours(self, mission: Mission) -> None:
        """Recompute everyone's leaving day after a tenure limit changes."""
        for expat in list(mission.expats.values()):
            leave = self._leave_day(mission, expat)
            if leave != expat.leave_at:
                expat.leave_at = leave
                self._schedule_departure(mission, expat)
