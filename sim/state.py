"""The state of one side's mission in the other side's country, as plain data.

A *side* is the sending country; its mission lives in the *host* country. All
numbers the model reports are read off these objects: counts are kept up to
date as events happen, so sampling them costs the same whatever the date.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.harm import Baseline, Loss

EMBASSY = "embassy"
CONSULATE = "consulate"
UN_MISSION = "un_mission"
#: Post kinds counted in ``posts_open`` (the diplomatic and consular network).
COUNTED_KINDS = frozenset({EMBASSY, CONSULATE})


@dataclass(slots=True)
class Post:
    """An embassy, consulate, trade mission or annex of the sending side."""

    id: str
    name: str
    kind: str
    expat_positions: int
    local_positions: int
    consular_share: float = 0.0
    open: bool = True
    consular_suspended: bool = False
    local: int = 0
    expats: int = 0
    #: Expatriates here whose replacement has already been asked for.
    requested: int = 0
    #: Replacements for this post being assigned, waiting for a visa or travelling.
    pipeline: int = 0
    #: Planned rotations whose replacement could not be sought before the person left
    #: (a ceiling had no room): the next one sought here is still a planned rotation.
    rotations_due: int = 0
    #: The post's positions at the start, the norms its consular section is staffed by.
    start_expat: int = 0
    start_local: int = 0
    #: The staff the sending side plans for the post; the mission fills its vacancies
    #: only up to the sum over its posts (so relocated positions carry no plan of their own).
    planned_expat: int = 0
    planned_local: int = 0

    @property
    def expat_vacancies(self) -> int:
        """Positions not held: not filled by someone staying on, nor by a replacement on
        the way (a person whose replacement is sought no longer holds the position).
        """
        return self.expat_positions - (self.expats - self.requested) - self.pipeline

    @property
    def local_vacancies(self) -> int:
        """Local positions unfilled at an open post."""
        return self.local_positions - self.local if self.open else 0

    @property
    def issues_visas(self) -> bool:
        """Whether the post's consular section is running."""
        return self.open and not self.consular_suspended and self.consular_share > 0


@dataclass(slots=True)
class Expat:
    """An expatriate member of staff on a tour at a post."""

    id: int
    post: str
    arrival: float
    #: End of the tour as drawn, before any tenure limit.
    tour_end: float
    leave_at: float
    #: Bumped whenever ``leave_at`` changes, so stale scheduled departures are ignored.
    token: int = 0
    replacement_requested: bool = False
    #: When ``leave_at`` was last set: how long ahead the sending side knew the departure.
    leave_known_at: float = 0.0


@dataclass(slots=True)
class Application:
    """A replacement's visa application, from its assignment to arrival."""

    id: int
    post: str
    #: Still being assigned (selected, trained) before the visa is applied for.
    assigning: bool = False
    in_transit: bool = False
    alive: bool = True
    #: Bumped whenever the decision is rescheduled, so only the latest one counts.
    token: int = 0
    #: The expatriate this replacement takes over from (None for a new or restored position).
    predecessor: int | None = None


@dataclass
class Measure:
    """A move in force: who imposed it on whom, when, and what it changed.

    ``state`` is of the type the move declares (``Move.State``): what the move
    took away (abolished positions, relocated staff...), so that lifting it
    restores exactly that, or the measures a lifting move lifted.
    """

    id: str
    move: Any  # a sim.moves.Move instance
    actor: str
    target: str
    start: float
    end: float | None = None
    state: Any = None
    #: Bumped on lift so an effect scheduled for later is cancelled.
    token: int = 0
    #: Id of the other side's measure this one answers (policy moves), if any.
    responds_to: str | None = None
    #: What the move took from the target's mission when made (``sim.harm.Loss``), the
    #: mission's functions then (``sim.harm.Baseline``), and its value to the target in
    #: percent of those functions; for a move that lifts others, the relief: minus the
    #: harm of what it lifted.
    loss: Loss | None = None
    baseline: Baseline | None = None
    harm: float = 0.0

    @property
    def is_restriction(self) -> bool:
        """A restriction is a measure one side imposes on the other's mission."""
        return self.actor != self.target and self.move.restricts

    @property
    def lifted(self) -> list[Measure]:
        """The measures this one lifted, if its move lifts others."""
        return list(getattr(self.state, "measures", []))


@dataclass
class Mission:
    """One side's mission in the host country."""

    side: str
    host: str
    name: str
    posts: dict[str, Post]
    properties: dict[str, bool]
    expats: dict[int, Expat] = field(default_factory=dict)
    applications: dict[int, Application] = field(default_factory=dict)
    visa_queue: int = 0
    in_transit: int = 0
    in_assignment: int = 0
    #: New assignments waiting for the foreign service to start them, oldest first.
    assignments_waiting: deque[Application] = field(default_factory=deque)
    #: The foreign service is starting this mission's assignments one by one.
    assigning_now: bool = False
    visas_issued: int = 0
    visas_denied: int = 0
    #: Visas granted per year since the start, for quotas.
    issued_by_year: dict[int, int] = field(default_factory=dict)
    #: Days on which the host granted the mission's staff a visa, for the last year's count.
    granted_on: deque[float] = field(default_factory=deque)
    #: Applications held until a quota renews, released early if the policy changes.
    held: dict[int, Application] = field(default_factory=dict)
    #: Expatriates whose replacement is sought, per post, oldest request first: a
    #: replacement does not arrive before the person it replaces leaves.
    awaiting: dict[str, list[int]] = field(default_factory=dict)
    #: A local hire is already scheduled (at most one at a time).
    hiring: bool = False
    #: Local employees laid off by a ban and not yet replaced: their essential work falls
    #: to the diplomats.
    locals_missing: int = 0
    #: Measures in force *on* this mission, by id, in the order they were applied.
    measures: dict[str, Measure] = field(default_factory=dict)
    #: The same measures by move name, oldest first, and the move of the latest of each
    #: kind (the one whose parameters hold), kept as they change: read on every event.
    _by_move: dict[str, tuple[Measure, ...]] = field(default_factory=dict, repr=False)
    _current: dict[str, Any] = field(default_factory=dict, repr=False)
    #: Applications by the expatriate they replace, oldest first, so finding someone's
    #: replacement costs the same however large the mission.
    _by_predecessor: dict[int, dict[int, Application]] = field(default_factory=dict,
                                                                 repr=False)

    #: Restrictions in force, the sum of their severities and of their harms (each as
    #: estimated when made), kept as they change.
    restriction_count: int = 0
    restriction_severity: float = 0.0
    restriction_harm: float = 0.0
    #: Totals over the posts of their local staff, of the expatriates whose replacement
    #: is sought and of the expatriates planned, kept as they change (``change_locals``,
    #: ``change_requested``, ``recount``): read on every event and every sample.
    _locals: int = field(default=0, init=False, repr=False)
    _requested: int = field(default=0, init=False, repr=False)
    _planned_expats: int = field(default=0, init=False, repr=False)
    #: Over the open posts: the local employees planned, and those they had at the start.
    _open_planned_locals: int = field(default=0, init=False, repr=False)
    _open_start_locals: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        #: What never changes: the embassies and consulates, and the expatriate positions
        #: at the start, the norm by which a consular section is staffed.
        self._counted = tuple(p for p in self.posts.values() if p.kind in COUNTED_KINDS)
        self.start_expats = sum(p.start_expat for p in self.posts.values())
        self.recount()

    def recount(self) -> None:
        """Total the posts again, after their staff or plans were set directly or a post
        was closed or reopened.
        """
        posts = self.posts.values()
        self._locals = sum(p.local for p in posts)
        self._requested = sum(p.requested for p in posts)
        self._planned_expats = sum(p.planned_expat for p in posts)
        self._open_planned_locals = sum(p.planned_local for p in posts if p.open)
        self._open_start_locals = sum(p.start_local for p in posts if p.open)

    def change_locals(self, post: Post, n: int) -> None:
        """``n`` more local employees at ``post`` (fewer if negative)."""
        post.local += n
        self._locals += n

    def change_requested(self, post: Post, n: int) -> None:
        """``n`` more expatriates at ``post`` whose replacement is sought (fewer if
        negative).
        """
        post.requested += n
        self._requested += n

    def add_measure(self, measure: Measure) -> None:
        """Put a measure in force on this mission."""
        self.measures[measure.id] = measure
        name = measure.move.move
        self._by_move[name] = (*self._by_move.get(name, ()), measure)
        self._current[name] = measure.move
        if measure.is_restriction:
            self.restriction_count += 1
            self.restriction_severity += measure.move.severity
            self.restriction_harm += measure.harm

    def remove_measure(self, measure: Measure) -> None:
        """Take a measure out of force."""
        del self.measures[measure.id]
        name = measure.move.move
        kept = tuple(m for m in self._by_move[name] if m.id != measure.id)
        if kept:
            self._by_move[name], self._current[name] = kept, kept[-1].move
        else:
            del self._by_move[name], self._current[name]
        if measure.is_restriction:
            self.restriction_count -= 1
            self.restriction_severity -= measure.move.severity
            self.restriction_harm -= measure.harm

    def add_application(self, application: Application) -> None:
        """Put an application in the pipeline."""
        self.applications[application.id] = application
        if application.predecessor is not None:
            self._by_predecessor.setdefault(application.predecessor, {})[
                application.id] = application

    def remove_application(self, application: Application) -> None:
        """Take an application out of the pipeline."""
        del self.applications[application.id]
        if application.predecessor is not None:
            paired = self._by_predecessor[application.predecessor]
            del paired[application.id]
            if not paired:
                del self._by_predecessor[application.predecessor]

    def replacements(self, expat_id: int) -> list[Application]:
        """The applications to replace ``expat_id``, oldest first."""
        return list(self._by_predecessor.get(expat_id, {}).values())

    def has_replacement(self, expat_id: int) -> bool:
        """Whether an application to replace ``expat_id`` is in the pipeline."""
        return expat_id in self._by_predecessor

    @property
    def staff_local(self) -> int:
        """Local employees at all posts."""
        return self._locals

    @property
    def staff_total(self) -> int:
        """Everyone working for the mission: expatriates and local employees."""
        return len(self.expats) + self.staff_local

    @property
    def pipeline(self) -> int:
        """Replacements asked for but not yet arrived."""
        return self.visa_queue + self.in_transit + self.in_assignment

    @property
    def posts_open(self) -> int:
        """Embassies and consulates open with someone in them: a post with no staff is
        not open, whatever the host allows.
        """
        return sum(p.open and p.expats + p.local > 0 for p in self._counted)

    @property
    def planned_expats(self) -> int:
        """Expatriates the sending side plans for the whole mission."""
        return self._planned_expats

    @property
    def unpaired_pipeline(self) -> int:
        """Applications on the way that add a person: not replacing someone still here."""
        return sum(a.predecessor is None or a.predecessor not in self.expats
                   for a in self.applications.values())

    @property
    def expat_plan_room(self) -> int:
        """Expatriates the sending side still means to bring in: its plan less those
        staying on and those on their way.
        """
        # Each expatriate is at a post and each application is in a post's pipeline.
        staying = len(self.expats) - self._requested + len(self.applications)
        return self._planned_expats - staying

    @property
    def local_plan_room(self) -> int:
        """Local employees the sending side still means to hire at its open posts (a closed
        post's local staff are laid off, not moved).
        """
        return self._open_planned_locals - self._locals

    @property
    def open_start_locals(self) -> int:
        """Local employees the open posts had at the start."""
        return self._open_start_locals

    def in_force(self, move_name: str) -> tuple[Measure, ...]:
        """Measures of one kind in force on this mission, oldest first."""
        return self._by_move.get(move_name, ())

    def latest(self, move_name: str) -> Measure | None:
        """The most recent measure of one kind in force, or None."""
        found = self._by_move.get(move_name)
        return found[-1] if found else None

    def current(self, move_name: str) -> Any:
        """The latest move of a kind in force, or None: the one whose parameters hold now
        (a visa policy, a travel radius), so lifting it restores the one before.
        """
        return self._current.get(move_name)

    def restrictions(self) -> list[Measure]:
        """Measures the host has imposed on this mission and not lifted."""
        return [m for m in self.measures.values() if m.is_restriction]
