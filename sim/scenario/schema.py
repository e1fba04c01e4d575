"""The scenario file's schema: sides, their starting missions, and dated moves.

Field descriptions here are the reference documentation of the format.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.moves import MOVES
from sim.policies import PolicySpec, Scripted
from sim.talks import Talks


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PostSpec(_Strict):
    """A post of the mission at the start."""

    id: str = Field(description="short name used by moves, e.g. `st_petersburg`")
    name: str = Field(description="full name for plots and logs")
    kind: Literal["embassy", "consulate", "trade_mission", "annex", "un_mission"] = Field(
        description="embassies and consulates count in `posts_open`"
    )
    expat: int = Field(ge=0, description="expatriate positions, all filled at the start")
    local: int = Field(default=0, ge=0, description="local employee positions, filled at the start")
    consular_share: float = Field(
        default=0.0, ge=0, le=1, description="share of the mission's visa work done here"
    )


class PropertySpec(_Strict):
    """A property the mission uses (a dacha, a compound, a building)."""

    id: str = Field(description="short name used by `seize_property` and `return_property`")
    name: str = Field(description="full name for logs")


class TourYears(_Strict):
    """Length of an expatriate tour, drawn from a triangular distribution (years)."""

    low: float = Field(default=2.0, gt=0, description="shortest tour")
    mode: float = Field(default=3.0, gt=0, description="most common tour")
    high: float = Field(default=4.0, gt=0, description="longest tour")

    @model_validator(mode="after")
    def _ordered(self) -> TourYears:
        if not self.low <= self.mode <= self.high:
            raise ValueError("needs low <= mode <= high")
        return self


class VisaPolicySpec(_Strict):
    """How the host grants visas to the mission's replacement staff."""

    approval_rate: float = Field(default=0.97, ge=0, le=1,
                                 description="chance an application is approved")
    processing_days: float = Field(default=30.0, ge=0, description="mean days to decide")
    quota: int | None = Field(default=None, ge=0, description="visas per year at most")


class ReductionStep(_Strict):
    """One step of the order in which the mission cuts staff under a ceiling."""

    staff: Literal["local", "expat"] = Field(description="which staff are cut in this step")
    keep: int = Field(default=0, ge=0, description="cut this kind of staff no lower than this")


class SideSpec(_Strict):
    """A side: its mission in the other side's country, and how that mission works."""

    name: str = Field(description="e.g. `US mission in Russia`")
    posts: list[PostSpec] = Field(min_length=1, description="the mission's posts at the start")
    properties: list[PropertySpec] = Field(default_factory=list,
                                           description="properties the mission uses")
    tour_years: TourYears = Field(default_factory=TourYears,
                                  description="length of expatriate tours, in years")
    visa_lead_days: float = Field(
        default=90, ge=0, description="days before a tour ends that a replacement is sought"
    )
    travel_days: float = Field(default=14, ge=0, description="days from visa to arrival")
    flight_detour_days: float = Field(
        default=5, ge=0, description="extra travel days while direct flights are suspended"
    )
    reapply_days: float = Field(
        default=30, ge=0, description="days before a refused application is made again")
    local_hire_days: float = Field(default=30, gt=0,
                                   description="mean days to fill one local vacancy")
    local_hires_per_month: float = Field(
        default=20, gt=0, description="most locals the mission can hire a month, however many "
        "vacancies it has")
    core_staff: int = Field(
        default=0, ge=0, description="staff the mission needs before it can run consular work"
    )
    consular_staff_max: int = Field(default=0, ge=0, description="most staff on consular work")
    consular_rate: float = Field(
        default=0.0, ge=0, description="visas a consular worker issues per month"
    )
    reduction_order: list[ReductionStep] = Field(
        default_factory=lambda: [ReductionStep(staff="local"), ReductionStep(staff="expat")],
        description="who goes first when a ceiling forces cuts",
    )
    host_visa_policy: VisaPolicySpec = Field(
        default_factory=VisaPolicySpec, description="the host's visa policy before any move"
    )
    policy: PolicySpec = Field(default_factory=Scripted,
                               description="how the side decides moves the file does not script")


#: Any move of the catalogue, chosen by its ``move:`` name.
MoveSpec = Annotated[Union[tuple(MOVES)], Field(discriminator="move")]  # noqa: UP007


class DropMoves(_Strict):
    """Which of the base scenario's moves a what-if leaves out."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: dt.date | None = Field(default=None, alias="from",
                                  description="drop the base's moves on or after this date")
    actor: str | None = Field(default=None, description="...only this side's moves")
    moves: list[str] | None = Field(default=None, description="...only moves of these kinds")
    ids: list[str] = Field(default_factory=list, description="drop the base's moves with these ids")


class Scenario(_Strict):
    """A whole scenario: the only input a run needs besides the seed."""

    name: str = Field(description="shown in summaries, plots and comparisons")
    description: str = Field(default="", description="what the scenario is about")
    extends: str | None = Field(default=None, description="base scenario file this one changes")
    drop_moves: DropMoves | None = Field(default=None, description="base moves left out")
    start: dt.date = Field(description="first simulated day")
    end: dt.date = Field(description="last simulated day")
    seed: int = Field(default=0, ge=0, description="default seed when `--seed` is not given")
    sample_days: int = Field(default=7, ge=1, le=31, description="days between samples")
    sides: dict[str, SideSpec] = Field(min_length=2, max_length=2,
                                       description="exactly two sides, by id")
    moves: list[MoveSpec] = Field(default_factory=list,
                                  description="dated moves (see Moves); any order")
    talks: Talks = Field(default_factory=Talks, description="talks rounds and how they go")

    _file: str = PrivateAttr(default="")

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"{end} is before start ({start})")
        return end
    _sha256: str = PrivateAttr(default="")

    @property
    def file(self) -> str:
        """Path of the file the scenario was read from ('' if built in code)."""
        return self._file

    @property
    def sha256(self) -> str:
        """Hash of the file's bytes, stored with every output for provenance."""
        return self._sha256

    def other(self, side: str) -> str:
        """The side facing ``side``."""
        return next(s for s in self.sides if s != side)

    def day(self, date: dt.date) -> int:
        """Days from the start to ``date``: the simulation clock."""
        return (date - self.start).days

    def date(self, day: float) -> dt.date:
        """The calendar date of a simulation time."""
        return self.start + dt.timedelta(days=int(day))
