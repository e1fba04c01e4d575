"""What every move has: who, when, against whom, its source, and apply/lift.

A move is a validated, immutable record (a pydantic model) that also knows its
mechanics. Scenario files, policies and a player at the terminal all create
moves the same way, e.g. ``Expel(date=..., actor="RU", count=10)``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from sim.model import Simulation
    from sim.state import Measure


class Move(BaseModel):
    """Base of the catalogue. Subclasses set ``move`` and add their parameters.

    Class attributes describe the move to the engine:

    - ``summary``: one line for ``parity moves`` and the docs;
    - ``persists``: the move stays in force as a measure until lifted
      (an expulsion, a closure); otherwise it is a one-off act (a lift, a statement);
    - ``restricts``: a measure that counts as a restriction on the target;
    - ``severity``: its weight in ``tension``;
    - ``own_mission``: by default the move acts on the actor's own mission;
    - ``concedes``: the move gives something back, and is read as a concession.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

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

    def references(self) -> dict[str, tuple[str, str]]:
        """Fields naming a post or property of the target: field -> (kind, id)."""
        return {}

    def apply(self, sim: Simulation, measure: Measure) -> None:
        """Make the move: change the state now and schedule what comes later."""

    def lift(self, sim: Simulation, measure: Measure) -> None:
        """Undo what ``apply`` took away, as far as it can be undone."""


def _fmt(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
