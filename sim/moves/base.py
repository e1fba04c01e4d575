"""What every move has: who, when, against whom, its source, and its mechanics.

A move is a validated, immutable record (a pydantic model) that also knows, in
its one class, everything about itself: what it does and undoes (``apply`` and
``lift``, with a typed ``State`` of what lifting must give back), which
irritant talks can settle it under, how a policy builds it from an intent
(``from_intent``) and whether figures label it. Scenario files, policies and a
player at the terminal all create moves the same way, e.g.
``Expel(date=..., actor="RU", count=10)``.

Moves act on the world only through ``Context``, the narrow interface the
engine hands them: the missions, a way to act later, lifting, making a
follow-up move, and the effects on staff and posts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

from sim.spec import STRICT

if TYPE_CHECKING:
    from sim.effects import Effects
    from sim.harm import Loss
    from sim.scenario.schema import SideSpec
    from sim.state import Measure, Mission

#: What talks can settle; each move that restricts names the irritant it is settled under.
Irritant = Literal["visas", "staffing", "local_hires", "travel", "properties", "posts",
                   "banking", "flights"]
#: The fields every move has, as a policy's builder passes them on.
Common = dict[str, Any]
S = TypeVar("S")


class Context(Protocol):
    """What a move may do to the world: the engine's narrow interface for moves."""

    @property
    def effects(self) -> Effects:
        """What moves do to staff, posts and consular work."""

    @property
    def today(self) -> dt.date:
        """The calendar date now."""

    @property
    def now(self) -> float:
        """Days since the scenario's start."""

    def mission(self, side: str) -> Mission:
        """The mission of ``side`` (in the other side's country)."""

    def spec(self, side: str) -> SideSpec:
        """How the scenario describes ``side`` and its mission."""

    def after(self, days: float, measure: Measure, fn: Callable[[], None]) -> None:
        """Call ``fn`` after ``days`` unless ``measure`` has been lifted by then."""

    def lift_where(self, target: str | None, match: Callable[[Measure], bool]
                   ) -> list[Measure]:
        """Lift the measures in force (on ``target``, or anywhere) that ``match``."""

    def apply(self, move: Move, origin: str = "policy") -> Measure:
        """Make a follow-up move now, logged like any other."""


@dataclass
class Lifted:
    """The state of a move that lifts others: the measures it lifted."""

    measures: list[Measure] = field(default_factory=list)


def state_of(measure: Measure, kind: type[S]) -> S:
    """The measure's state, checked to be of the kind its move declares."""
    if not isinstance(measure.state, kind):
        raise TypeError(f"{measure.id}: state {type(measure.state).__name__}, expected "
                        f"{kind.__name__}")
    return measure.state


class Move(BaseModel):
    """Base of the catalogue. Subclasses set ``move`` and add their parameters.

    Class attributes describe the move to the engine:

    - ``summary``: one line for ``parity moves`` and the docs;
    - ``persists``: the move stays in force as a measure until lifted
      (an expulsion, a closure); otherwise it is a one-off act (a lift, a statement);
    - ``restricts``: a measure that counts as a restriction on the target;
    - ``severity``: its weight in ``tension``;
    - ``own_mission``: by default the move acts on the actor's own mission;
    - ``concedes``: the move gives something back, and is read as a concession;
    - ``settled_under``: the irritant talks settle it under (None: talks do not lift it);
    - ``labelled``: the staff figure labels it even without a number in its detail;
    - ``State``: what a measure of this move remembers, so that lifting it gives
      back exactly what it took (None: nothing to remember).

    ``harm`` estimates what the move takes from the target's mission functions.
    """

    model_config = STRICT

    move: str
    date: dt.date = Field(description="day the move is made")
    actor: str = Field(description="side making the move")
    target: str | None = Field(
        default=None, description="side whose mission is acted on (default: the other side)"
    )
    id: str | None = Field(default=None, description="name for the measure, used by `lift`")
    source: str | None = Field(default=None, description="where the record says so")
    note: str | None = Field(default=None, description="free text for the timeline")

    summary: ClassVar[str] = ""
    persists: ClassVar[bool] = True
    restricts: ClassVar[bool] = True
    severity: ClassVar[float] = 1.0
    #: The move acts on the actor's own mission unless a target is given.
    own_mission: ClassVar[bool] = False
    #: The move gives something back (a lift, a reopening): policies read it as a concession.
    concedes: ClassVar[bool] = False
    settled_under: ClassVar[Irritant | None] = None
    labelled: ClassVar[bool] = False
    State: ClassVar[type | None] = None
    #: Fields every move has; the rest are the move's own parameters.
    COMMON: ClassVar[tuple[str, ...]] = ("move", "date", "actor", "target", "id", "source", "note")

    def target_in(self, sides: list[str]) -> str:
        """The side whose mission the move acts on, among the scenario's two sides."""
        if self.target is not None:
            return self.target
        return self.actor if self.own_mission else next(s for s in sides if s != self.actor)

    def params(self) -> dict[str, Any]:
        """The move's own parameters (not date, actor, source...)."""
        return {k: getattr(self, k) for k in type(self).model_fields if k not in self.COMMON}

    def detail(self) -> str:
        """Short text for the event log, e.g. ``count=60 notice_days=7``."""
        return " ".join(f"{k}={_fmt(v)}" for k, v in self.params().items() if v is not None)

    def in_words(self, names: Names = None) -> str:
        """What the move does, in a phrase a briefer can put on a slide (``Ceiling of 455
        staff``): no parameter names, no ids; who made it and on whom is said around it.
        ``names`` gives the target's posts and properties as the scenario names them
        (``Consulate General San Francisco``); without it they are read from their ids.
        """
        return self.summary[:1].upper() + self.summary[1:]

    def references(self) -> dict[str, tuple[str, str]]:
        """Fields naming a post or property of the target: field -> (kind, id)."""
        return {}

    def new_state(self) -> Any:
        """A fresh state for a measure of this move."""
        return None if self.State is None else self.State()

    @classmethod
    def from_intent(cls, ctx: Context, common: Common, target: str, size: float
                    ) -> Move | str | None:
        """The move a policy makes when it means to restrict with this instrument now.

        Returns the move; ``IN_FORCE`` when the actor already has it in force (nothing
        to add, and no reason to reach for another instrument); None when it cannot
        be made now (no consulate left to close). Only restrictions are instruments.
        """
        raise NotImplementedError(f"{cls.__name__} is not an instrument a policy can use")

    @classmethod
    def is_instrument(cls) -> bool:
        """Whether a policy can restrict with this move: it stays in force as a restriction."""
        return cls.persists and cls.restricts

    def harm(self, ctx: Context, target: str) -> Loss:
        """What the move would take from ``target``'s mission if made now (``sim.harm``);
        a move that restricts nothing takes nothing.
        """
        from sim.harm import NO_LOSS
        return NO_LOSS

    def apply(self, ctx: Context, measure: Measure) -> None:
        """Make the move: change the state now and schedule what comes later."""

    def lift(self, ctx: Context, measure: Measure) -> None:
        """Undo what ``apply`` took away, as far as it can be undone."""


#: What ``from_intent`` returns when the actor already has that measure in force.
IN_FORCE = "in force"


def once(cls: type[Move], ctx: Context, common: Common, target: str, **params: Any
         ) -> Move | str:
    """A measure that makes no sense twice: made only if the actor has none in force."""
    name = cls.model_fields["move"].default
    mine = [m for m in ctx.mission(target).in_force(name) if m.actor == common["actor"]]
    return IN_FORCE if mine else cls(**common, **params)


def days(n: float) -> str:
    """``1 day``, ``7 days``: a notice period in words."""
    return f"{n:g} day" + ("" if n == 1 else "s")


#: A mission's posts and properties by id, as the scenario names them.
Names = Mapping[str, str] | None


def place(ident: str, names: Names = None) -> str:
    """A post or property in words: its name in the scenario (``Consulate General San
    Francisco``), else its id in words (``san_francisco`` -> ``San Francisco``).
    """
    if names and ident in names:
        return names[ident]
    return " ".join(w if w.isupper() else w.capitalize() for w in ident.split("_"))


def post(ident: str, names: Names = None) -> str:
    """A post as the object of a phrase: ``Consulate General San Francisco``, else ``the
    post in San Francisco``.
    """
    return place(ident, names) if names and ident in names else f"the post in {place(ident)}"


def places(idents: list[str], names: Names = None) -> str:
    """Several posts in words, ``Yekaterinburg and Vladivostok``."""
    named = [place(i, names) for i in idents]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def staff(count: int) -> str:
    """``1 member of staff``, ``60 staff``."""
    return "1 member of staff" if count == 1 else f"{count} staff"


def _fmt(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
