"""Outside shocks: dated events beyond the missions that change the dispute's course.

A war, sanctions, a summit or a leaders' call is not a move on a mission, but it
moves what the sides do about their missions. A shock can:

- shift relations (``relations``: points of grievance, negative to ease them);
- suspend the talks (no round is held, and any roadmap agreed before is void) or
  resume them;
- give the talks a leaders' ``mandate``: a round held under one may agree a roadmap
  that sequences what it cannot settle yet (``sim.talks``);
- change a side's ``priorities`` from its date (what later harm is weighed by).

Each shock is logged as a statement with its source, like any event of the record.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sim.harm import Priorities
from sim.moves import Statement
from sim.spec import Strict

if TYPE_CHECKING:
    from sim.model import Simulation


TALKS_TEXT = {"suspend": "talks suspended", "resume": "talks resumed"}


class Shock(Strict):
    """One dated event outside the missions."""

    date: dt.date
    name: str = Field(description="e.g. `Russia invades Ukraine`")
    kind: Literal["war", "sanctions", "summit", "call", "other"] = Field(
        default="other", description="what sort of event")
    relations: float = Field(default=0.0, ge=-1000, le=1000,
                             description="points added to grievance (negative eases it)")
    talks: Literal["suspend", "resume"] | None = Field(
        default=None, description="suspend the talks (voiding any roadmap) or resume them")
    mandate: bool = Field(default=False,
                          description="leaders mandate the talks: a round may agree a roadmap")
    priorities: dict[str, Priorities] = Field(
        default_factory=dict, description="a side's new priorities from this date, by side")
    source: str | None = None
    note: str | None = None

    def text(self) -> str:
        """What the shock does, for the event log."""
        parts = [f"relations {self.relations:+g}" if self.relations else "",
                 TALKS_TEXT.get(self.talks or "", ""),
                 "mandate for talks" if self.mandate else "",
                 *(f"{side} priorities changed" for side in self.priorities)]
        return "; ".join(p for p in parts if p)


def schedule(sim: Simulation, shocks: list[Shock]) -> None:
    """Put each shock on the clock."""
    for shock in shocks:
        sim.clock.at_day(sim.scenario.day(shock.date), happen, sim, shock)


def happen(sim: Simulation, shock: Shock) -> None:
    """Apply a shock now, and log it."""
    sim.relations.shift(shock.relations)
    sim.priorities.update(shock.priorities)
    if shock.talks == "suspend":
        sim.talks.suspend()
    elif shock.talks == "resume":
        sim.talks.resume()
    if shock.mandate:
        sim.talks.mandate = True
    note = f"{shock.kind}: {shock.name}" + (f" ({shock.text()})" if shock.text() else "")
    sim.apply(Statement(date=sim.today, actor=next(iter(sim.missions)), kind="other",
                        source=shock.source, note=note + (f". {shock.note}" if shock.note
                                                          else "")),
              origin="shock", checked=True)
