"""How a mission keeps itself staffed: tours, replacements, visas and local hiring.

These are the events that happen whatever the sides decide: a tour ends, a
replacement is sought, the host decides its visa, the replacement arrives, a
local employee is hired. Moves change the conditions (positions, ceilings,
visa policy, bans) under which they happen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sim.costs import banking_restricted, budget_room
from sim.state import UN_MISSION, Application, Expat, Measure, Mission, Post

if TYPE_CHECKING:
    from sim.clock import Clock
    from sim.scenario.schema import Scenario
    from sim.streams import Streams

YEAR = 365.25
MONTH_DAYS = YEAR / 12
#: Room under "no ceiling": larger than any mission.
NO_CEILING = 10**9


class Staffing:
    """The staffing events of a run: tours, replacements, visas, local hiring."""

    def __init__(self, scenario: Scenario, clock: Clock, streams: Streams, ids: Iterator[int]):
        """Staffing for the scenario's missions, scheduled on ``clock``."""
        self.scenario, self.clock, self.streams, self._ids = scenario, clock, streams, ids
        #: The streams the hot paths use, looked up once.
        self._tours = {side: streams("tours", side) for side in scenario.sides}
        self._visas = {side: streams("visas", side) for side in scenario.sides}
        self._at = clock.at
        #: The sides' specifications (frozen), and whether a side has a budget, looked up
        #: on every event.
        self._sides = scenario.sides
        self._budgeted = {side: spec.costs.budget is not None
                          for side, spec in scenario.sides.items()}
        self._tenure_limits: dict[str, tuple[float, int, Callable[[str], bool]]] = {}
        #: Each side's tour lengths (low, mode, high) and assignment cycle in days: how far
        #: ahead a departure must be known for its replacement to count as planned.
        self._tour_years = {side: (spec.tour_years.low, spec.tour_years.mode,
                                   spec.tour_years.high)
                            for side, spec in scenario.sides.items()}
        self._cycle = {side: _cycle_days(spec.planning) for side, spec in scenario.sides.items()}

    @property
    def now(self) -> float:
        """Days since the scenario's start."""
        return self.clock.now

    def staff_at_start(self, mission: Mission) -> None:
        """Fill every expatriate position, each person part-way through a tour."""
        rng = self._tours[mission.side]
        for post in mission.posts.values():
            for _ in range(post.expat_positions):
                tour = self._tour_days(mission)
                arrival = -rng.random() * tour
                self._add_expat(mission, post, arrival, tour)

    def _tour_days(self, mission: Mission) -> float:
        return YEAR * self._tours[mission.side].triangular(*self._tour_years[mission.side])

    def _add_expat(self, mission: Mission, post: Post, arrival: float, tour: float) -> None:
        expat = Expat(next(self._ids), post.id, arrival, arrival + tour, arrival + tour,
                      leave_known_at=arrival)
        expat.leave_at = self.leave_day(mission, expat)
        mission.expats[expat.id] = expat
        post.expats += 1
        self.schedule_departure(mission, expat)

    def schedule_departure(self, mission: Mission, expat: Expat) -> None:
        """(Re)schedule when a replacement is sought and when the person leaves."""
        expat.token += 1
        token = expat.token
        lead = self._sides[mission.side].visa_lead_days
        now = self.clock.now
        if not expat.replacement_requested:
            self._at(expat.leave_at - lead - now, self._seek_replacement, mission, expat, token)
        self._at(expat.leave_at - now, self._tour_ends, mission, expat, token)

    def _seek_replacement(self, mission: Mission, expat: Expat, token: int) -> None:
        if expat.token != token or expat.id not in mission.expats:
            return
        expat.replacement_requested = True
        post = mission.posts[expat.post]
        mission.change_requested(post, 1)
        mission.awaiting.setdefault(post.id, []).append(expat.id)
        self._recruit_for(mission, post)

    def _tour_ends(self, mission: Mission, expat: Expat, token: int) -> None:
        if expat.token != token or expat.id not in mission.expats:
            return
        post = mission.posts[expat.post]
        if expat.replacement_requested and not mission.has_replacement(expat.id):
            post.rotations_due += 1  # sought in time but not yet applied for (no room)
        self.remove_expat(mission, expat)
        self._recruit_for(mission, mission.posts[expat.post])

    def _recruit_for(self, mission: Mission, post: Post) -> None:
        """Recruit after a change at one post: with no ceiling or budget, no other post is
        affected.
        """
        if mission.latest("staff_cap") is not None or self._budgeted[mission.side]:
            self.recruit(mission)
            return
        vacancies = post.expat_vacancies if post.open else 0
        if vacancies > 0:
            for _ in range(min(vacancies, mission.expat_plan_room)):
                self._request_visa(mission, post)

    def remove_expat(self, mission: Mission, expat: Expat) -> None:
        del mission.expats[expat.id]
        post = mission.posts[expat.post]
        post.expats -= 1
        if expat.replacement_requested:
            mission.change_requested(post, -1)

    def ceiling_room(self, mission: Mission) -> int:
        """How many more people the mission may have or bring in under its ceilings."""
        caps = [m.move.ceiling for m in mission.in_force("staff_cap")]
        if not caps:
            return NO_CEILING
        return min(caps) - mission.staff_total - mission.pipeline

    def _budget_room(self, mission: Mission) -> int | None:
        """More expatriates the mission's budget allows, counting those on their way who
        add a person (a replacement only takes over its predecessor's cost).
        """
        return budget_room(self._sides[mission.side], mission)

    def recruit(self, mission: Mission) -> None:
        """Seek visas for the vacancies the sending side means to fill and hire locals,
        within any ceiling and budget.
        """
        room = self.ceiling_room(mission)
        budget = self._budget_room(mission)
        expat_room = min(room, mission.expat_plan_room)
        expat_room = expat_room if budget is None else min(expat_room, budget)
        for post in mission.posts.values():
            if not post.open:
                continue
            for _ in range(max(0, min(post.expat_vacancies, expat_room))):
                self._request_visa(mission, post)
                room -= 1
                expat_room -= 1
        if room > 0:
            self._schedule_local_hire(mission)

    # -- visas ----------------------------------------------------------------

    def visa_policy(self, mission: Mission, post: str | None = None) -> Any:
        """The host's visa policy for the mission's staff (at ``post``): the latest in
        force, or the baseline. Staff of a mission to an international organisation get the
        baseline unless the policy says it covers them (the host's treaty obligation).
        """
        current = mission.current("visa_policy")
        if current is None or (post is not None and not current.un_mission
                               and mission.posts[post].kind == UN_MISSION):
            return self._sides[mission.side].host_visa_policy
        return current

    def _request_visa(self, mission: Mission, post: Post) -> None:
        """Seek someone for a vacancy: a planned replacement applies for a visa now; a new,
        restored or suddenly vacated position is first assigned.
        """
        predecessor = self._next_awaiting(mission, post.id)
        application = Application(next(self._ids), post.id, predecessor=predecessor)
        mission.add_application(application)
        post.pipeline += 1
        planning = self._sides[mission.side].planning
        planned = self._planned(mission, predecessor)
        if predecessor is None and post.rotations_due > 0:
            post.rotations_due -= 1
            planned = True
        if planning.assignment_months is None or planned:
            mission.visa_queue += 1
            self._submit(mission, application)
            return
        application.assigning = True
        mission.in_assignment += 1
        if planning.assignments_per_month is None:
            self._start_assignment(mission, application)
            return
        mission.assignments_waiting.append(application)
        if not mission.assigning_now:
            mission.assigning_now = True
            self._next_assignment(mission)

    def _next_assignment(self, mission: Mission) -> None:
        """The foreign service starts the oldest waiting assignment still wanted, then the
        next one ``1 / assignments_per_month`` of a month later.
        """
        waiting = mission.assignments_waiting
        while waiting and not waiting[0].alive:
            waiting.popleft()  # dropped before it started: its slot goes to the next
        if not waiting:
            mission.assigning_now = False
            return
        self._start_assignment(mission, waiting.popleft())
        per_month = self._sides[mission.side].planning.assignments_per_month
        assert per_month is not None
        self._at(MONTH_DAYS / per_month, self._next_assignment, mission)

    def _start_assignment(self, mission: Mission, application: Application) -> None:
        months = self._sides[mission.side].planning.assignment_months
        assert months is not None
        delay = MONTH_DAYS * self.streams("assignments", mission.side).triangular(
            months.low, months.mode, months.high)
        self._at(delay, self._assigned, mission, application)

    def _planned(self, mission: Mission, predecessor: int | None) -> bool:
        """Whether the replacement of ``predecessor`` was planned with the rotation: their
        departure was known at least an assignment cycle ahead (a tour as drawn, or a
        standing tenure limit), not brought forward at short notice by a measure.
        """
        person = mission.expats.get(predecessor) if predecessor is not None else None
        if person is None:
            return False
        return person.leave_at - person.leave_known_at >= self._cycle[mission.side]

    def _assigned(self, mission: Mission, application: Application) -> None:
        """The assignment is made: the visa is applied for."""
        if not application.alive:
            return
        application.assigning = False
        mission.in_assignment -= 1
        mission.visa_queue += 1
        self._submit(mission, application)

    def _submit(self, mission: Mission, application: Application, wait: float = 0.0) -> None:
        """Put the application before the host, to be decided after its processing time."""
        mean = self.visa_policy(mission, application.post).processing_days
        delay = self._visas[mission.side].gamma4(mean) if mean > 0 else 0.0
        self._decide_after(mission, application, wait + max(delay, 1.0))

    def _decide_after(self, mission: Mission, application: Application, days: float) -> None:
        application.token += 1
        self._at(days, self._decide, mission, application, application.token)

    def _decide(self, mission: Mission, application: Application, token: int) -> None:
        if not application.alive or application.token != token:
            return
        policy, now = self.visa_policy(mission, application.post), self.clock.now
        year = int(now // YEAR)
        if policy.quota is not None and mission.issued_by_year.get(year, 0) >= policy.quota:
            mission.held[application.id] = application
            self._decide_after(mission, application, (year + 1) * YEAR - now)
            return
        mission.held.pop(application.id, None)
        if self._visas[mission.side].random() >= policy.approval_rate:
            mission.visas_denied += 1
            self._submit(mission, application, wait=self._sides[mission.side].reapply_days)
            return
        mission.visas_issued += 1
        current = mission.current("visa_policy")
        if current is None or policy is current:  # visas exempt from a policy use no quota
            mission.issued_by_year[year] = mission.issued_by_year.get(year, 0) + 1
        mission.granted_on.append(now)
        mission.visa_queue -= 1
        mission.in_transit += 1
        application.in_transit = True
        spec = self._sides[mission.side]
        detour = spec.flight_detour_days if mission.current("suspend_flights") else 0.0
        arrival = max(now + spec.travel_days + detour, self._handover(mission, application))
        self._at(arrival - now, self._arrive, mission, application)

    def _next_awaiting(self, mission: Mission, post_id: str) -> int | None:
        """The longest-waiting person at the post whose replacement is sought, if any."""
        waiting = mission.awaiting.get(post_id, [])
        while waiting:
            predecessor = mission.expats.get(waiting.pop(0))
            if predecessor is not None and predecessor.post == post_id:
                return predecessor.id
        return None

    def _handover(self, mission: Mission, application: Application) -> float:
        """When the person this replacement takes over from leaves (now if nobody): a
        position is not filled twice.
        """
        predecessor = self.predecessor(mission, application)
        return predecessor.leave_at if predecessor is not None else self.now

    @staticmethod
    def predecessor(mission: Mission, application: Application) -> Expat | None:
        """The person the application replaces, if still in post."""
        if application.predecessor is None:
            return None
        return mission.expats.get(application.predecessor)

    def release_held(self, mission: Mission) -> None:
        """A new or lifted visa policy: applications held for a quota are decided again now."""
        for application in list(mission.held.values()):
            self._decide_after(mission, application, 0.0)
        mission.held.clear()

    def _arrive(self, mission: Mission, application: Application) -> None:
        if not application.alive:
            return
        self.drop_application(mission, application, arrived=True)
        post = mission.posts[application.post]
        self._add_expat(mission, post, self.now, self._tour_days(mission))

    def drop_application(self, mission: Mission, application: Application,
                          arrived: bool = False) -> None:
        """Take an application out of the pipeline. Unless it arrived, the person it was
        to replace awaits a replacement again.
        """
        application.alive = False
        mission.remove_application(application)
        mission.held.pop(application.id, None)
        predecessor = self.predecessor(mission, application)
        if predecessor is not None and not arrived:
            mission.awaiting.setdefault(predecessor.post, []).insert(0, predecessor.id)
        mission.posts[application.post].pipeline -= 1
        if application.assigning:
            mission.in_assignment -= 1
        elif application.in_transit:
            mission.in_transit -= 1
        else:
            mission.visa_queue -= 1

    # -- local employees ------------------------------------------------------

    def _schedule_local_hire(self, mission: Mission) -> None:
        if mission.hiring or mission.in_force("local_hire_ban"):
            return
        vacancies = min(sum(max(0, p.local_vacancies) for p in mission.posts.values()),
                        mission.local_plan_room)
        if vacancies <= 0:
            return
        # Each vacancy is filled after its own exponential delay, so the next hire
        # comes after mean / vacancies, but no faster than the mission can hire (more
        # slowly while it cannot pay through the host's banks).
        mission.hiring = True
        spec = self._sides[mission.side]
        pace = spec.local_hires_per_month * (
            spec.costs.banking_hiring_factor if banking_restricted(mission) else 1.0)
        mean = max(spec.local_hire_days / vacancies, 30.4 / pace)
        self._at(self.streams("locals", mission.side).exponential(mean), self._hire_local,
                 mission)

    def _hire_local(self, mission: Mission) -> None:
        mission.hiring = False
        if mission.in_force("local_hire_ban") or self.ceiling_room(mission) <= 0:
            return
        post = max(mission.posts.values(), key=lambda p: p.local_vacancies)
        if post.local_vacancies <= 0 or mission.local_plan_room <= 0:
            return
        if budget_room(self._sides[mission.side], mission, local=True) == 0:
            return  # the budget allows no more local staff now
        mission.change_locals(post, 1)
        mission.locals_missing = max(0, mission.locals_missing - 1)
        self._schedule_local_hire(mission)

    # -- tenure limits --------------------------------------------------------

    def leave_day(self, mission: Mission, expat: Expat) -> float:
        """End of the drawn tour, or earlier under the tenure limits covering the post.

        Under a limit one leaves on reaching it, but not before the limit's
        deadline: those already over it when it is imposed leave by the deadline.
        """
        leave = expat.tour_end
        for measure in mission.in_force("tenure_limit"):
            days, deadline, covers = self._tenure_limit(measure)
            if covers(expat.post):
                leave = min(leave, max(expat.arrival + days, deadline))
        return max(leave, self.clock.now)

    def _tenure_limit(self, measure: Measure) -> tuple[float, int, Callable[[str], bool]]:
        """A tenure limit's length in days, its deadline's day and which posts it covers,
        worked out once per measure: they are read at every arrival.
        """
        found = self._tenure_limits.get(measure.id)
        if found is None:
            move = measure.move
            found = self._tenure_limits[measure.id] = (
                move.years * YEAR, self.scenario.day(move.deadline or move.date), move.covers)
        return found

    def reconsider_tours(self, mission: Mission) -> None:
        """Recompute everyone's leaving day after a tenure limit changes."""
        for expat in list(mission.expats.values()):
            self.update_leave(mission, expat)

    def update_leave(self, mission: Mission, expat: Expat) -> None:
        """Apply the tenure limits now in force.

        Someone who may now stay longer no longer needs the replacement already
        sought: it is withdrawn, and sought again in time for the new leaving day.
        """
        leave = self.leave_day(mission, expat)
        if leave == expat.leave_at:
            return
        if leave > expat.leave_at and expat.replacement_requested:
            self._withdraw_replacement(mission, expat)
        expat.leave_at = leave
        expat.leave_known_at = self.now
        self.schedule_departure(mission, expat)

    def _withdraw_replacement(self, mission: Mission, expat: Expat) -> None:
        """The replacement sought for ``expat`` is no longer needed."""
        for application in mission.replacements(expat.id):
            self.drop_application(mission, application, arrived=True)
        waiting = mission.awaiting.get(expat.post, [])
        if expat.id in waiting:
            waiting.remove(expat.id)
        expat.replacement_requested = False
        mission.change_requested(mission.posts[expat.post], -1)


def _cycle_days(planning: Any) -> float:
    """Days from deciding to fill a position to its visa request, most commonly (0: at once)."""
    return planning.assignment_months.mode * MONTH_DAYS if planning.assignment_months else 0.0
