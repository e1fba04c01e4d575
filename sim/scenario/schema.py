"""The scenario file's schema: sides, their starting missions, and dated moves.

Field descriptions here are the reference documentation of the format, and
``LIMITS`` its stated limits: what a valid file can cost in time and memory is
bounded, and a value past a limit is refused with the limit in the message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal, Union

from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.consular import ConsularSpec
from sim.costs import CostSpec
from sim.harm import Priorities
from sim.moves import MOVES
from sim.planning import PlanningSpec
from sim.policies import BY_NAME as POLICY_CLASSES
from sim.policies import Policy, PolicySpec, Scripted
from sim.relations import RelationsSpec
from sim.scenario.plausibility import (
    EVENTS_PER_TOUR,
    MEMORY_PER_ROW,
    ROWS_PER_SAMPLE,
    SECONDS_PER_EVENT,
    cost_text,
    duration,
    estimated_events,
    megabytes,
    output_text,
    timeseries_rows,
    warnings_for,
)
from sim.shocks import Shock
from sim.spec import STRICT, Strict, Triangular
from sim.talks import Talks
from sim.work import WorkSpec

#: Most years from start to end. `end: 9999-12-31` would otherwise run for a minute and
#: write hundreds of megabytes; two centuries is far past any question the model answers.
MAX_YEARS = 200
#: Most positions, expatriate plus local, of one side's mission (so of one post too, and
#: the most one expulsion can take). The largest missions in the world are in the low
#: thousands; a mission of 100,000 expatriates takes about 400 MB.
MAX_POSITIONS = 100_000
#: Most events a run may be estimated to make (``plausibility.estimated_events``), about
#: 100 s at 5 µs an event: the limit on time the others leave open (a large mission with
#: very short tours over two centuries).
MAX_EVENTS = 20_000_000
#: Most rows of ``timeseries.csv`` a run may write (``plausibility.timeseries_rows``): a
#: run writing and drawing 1.5 million takes about 890 MiB, so a valid file runs in less
#: than 1 GiB. Two centuries sampled every day would be 2.6 million (1.5 GiB).
MAX_ROWS = 1_500_000
#: Most moves a scenario may script, those of the files it extends included. The record
#: has about a hundred; each move is validated and cross-checked on its own, and a
#: what-if of many files must not multiply them.
MAX_MOVES = 20_000
#: Most dated outside events in a scenario.
MAX_SHOCKS = 1_000


@dataclass(frozen=True)
class PolicyLimit:
    """A bound on a policy parameter whose extreme values break a run or never end it."""

    key: str
    least: float | None
    most: float | None
    why: str

    def problem(self, policy: Policy) -> str | None:
        """What is wrong with the policy's value of ``key``, or None (or if it has none)."""
        value = getattr(policy, self.key, None)
        if value is None:
            return None
        if self.least is not None and not value >= self.least:
            return f"{self.key}: {value:g} (allowed: at least {self.least:,g}: {self.why})"
        if self.most is not None and not value <= self.most:
            return f"{self.key}: {value:g} (allowed: at most {self.most:,g}: {self.why})"
        return None

    @property
    def where(self) -> str:
        """The key as the reference names it: with the policies that have it."""
        having = [name for name, cls in POLICY_CLASSES.items() if self.key in cls.model_fields]
        owners = "every policy" if len(having) == len(POLICY_CLASSES) else ", ".join(
            f"`{name}`" for name in having)
        return f"{owners}: `{self.key}`"

    @property
    def bound(self) -> str:
        """The limit in words, as the reference lists it."""
        return (f"at least {self.least:,g}" if self.least is not None
                else f"at most {self.most:,g}")


#: Bounds on policy parameters, checked on every side's policy that has the parameter.
POLICY_LIMITS: list[PolicyLimit] = [
    PolicyLimit("misperception", None, 5.0, "a spread of 5 already reads an expulsion of 10 "
                "as anything from 0.0006 to 180,000; beyond it sizes overflow"),
    PolicyLimit("scale", None, 100.0, "an answer 100 times the move is no longer "
                "proportional; beyond it sizes overflow"),
    PolicyLimit("size", None, float(MAX_POSITIONS), "no move takes more people than a "
                "mission may have"),
    PolicyLimit("interval_days", 1.0, None, "moves are made on days; shorter intervals only "
                "make events"),
]


_Strict = Strict


class PostSpec(_Strict):
    """A post of the mission at the start."""

    id: str = Field(description="short name used by moves, e.g. `st_petersburg`")
    name: str = Field(description="full name for plots and logs")
    kind: Literal["embassy", "consulate", "trade_mission", "annex", "un_mission"] = Field(
        description="embassies and consulates count in `posts_open`"
    )
    expat: int = Field(ge=0, le=MAX_POSITIONS,
                       description="expatriate positions, all filled at the start")
    local: int = Field(default=0, ge=0, le=MAX_POSITIONS,
                       description="local employee positions, filled at the start")
    consular_share: float = Field(
        default=0.0, ge=0, le=1, description="share of the mission's visa work done here"
    )


class PropertySpec(_Strict):
    """A property the mission uses (a dacha, a compound, a building)."""

    id: str = Field(description="short name used by `seize_property` and `return_property`")
    name: str = Field(description="full name for logs")
    use: Literal["housing", "offices", "recreation", "storage", "post"] = Field(
        default="post", description="what the mission uses it for (`post`: the building of "
                                    "a post, whose loss shows as the post's closure)")
    annual_value: float = Field(
        default=0.0, ge=0, le=1_000_000,
        description="what its loss costs a year while seized, in thousands: a substitute's "
                    "rent, or the benefit lost")


class TourYears(Triangular):
    """Length of an expatriate tour, drawn from a triangular distribution (years)."""

    low: float = Field(default=2.0, gt=0, description="shortest tour")
    mode: float = Field(default=3.0, gt=0, description="most common tour")
    high: float = Field(default=4.0, gt=0, description="longest tour")


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
        default=0, ge=0, description="expatriates the mission keeps for its other work "
                                     "before it staffs consular work"
    )
    consular_staff_max: int = Field(
        default=0, ge=0, description="consular officers (expatriates) at planned strength")
    consular_rate: float = Field(
        default=0.0, ge=0, description="visa interviews an officer holds a month, with full "
                                       "local support"
    )
    consular: ConsularSpec = Field(default_factory=ConsularSpec,
                                   description="host nationals applying for visas, and their "
                                               "queue")
    work: WorkSpec = Field(default_factory=WorkSpec,
                           description="the mission's work and what travel rules cost it")
    costs: CostSpec = Field(default_factory=CostSpec,
                            description="what the mission costs to run")
    planning: PlanningSpec = Field(default_factory=PlanningSpec,
                                   description="how the sending side staffs the mission beyond "
                                               "the regular rotation")
    reduction_order: list[ReductionStep] = Field(
        default_factory=lambda: [ReductionStep(staff="local"), ReductionStep(staff="expat")],
        description="who goes first when a ceiling forces cuts",
    )
    host_visa_policy: VisaPolicySpec = Field(
        default_factory=VisaPolicySpec, description="the host's visa policy before any move"
    )
    policy: PolicySpec = Field(default_factory=Scripted,
                               description="how the side decides moves the file does not script")
    priorities: Priorities = Field(
        default_factory=Priorities,
        description="how the side weighs its mission's functions: the harm it feels from a "
                    "measure, what it answers and trades by (`sim.harm`)")

    @field_validator("posts")
    @classmethod
    def _positions_bounded(cls, posts: list[PostSpec]) -> list[PostSpec]:
        total = sum(post.expat + post.local for post in posts)
        if total > MAX_POSITIONS:
            raise ValueError(f"the posts have {total:,} positions, expatriate and local "
                             f"(allowed: at most {MAX_POSITIONS:,} per side)")
        return posts

    @model_validator(mode="after")
    def _planned_posts_exist(self) -> SideSpec:
        ids = [p.id for p in self.posts]
        unknown = [k for k in self.planning.planned if k not in ids]
        if unknown:
            raise ValueError(f"planning.planned: no post '{unknown[0]}' "
                             f"(allowed: {', '.join(ids)})")
        return self

    @field_validator("policy")
    @classmethod
    def _policy_bounded(cls, policy: Policy) -> Policy:
        problems = [p for limit in POLICY_LIMITS if (p := limit.problem(policy))]
        if problems:
            raise ValueError("; ".join(problems))
        return policy


#: Any move of the catalogue, chosen by its ``move:`` name.
MoveSpec = Annotated[Union[tuple(MOVES)], Field(discriminator="move")]  # noqa: UP007


class DropMoves(_Strict):
    """Which of the base scenario's moves a what-if leaves out."""

    model_config = ConfigDict(**STRICT, populate_by_name=True)

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
    moves: list[MoveSpec] = Field(default_factory=list, max_length=MAX_MOVES,
                                  description="dated moves (see Moves); any order")
    talks: Talks = Field(default_factory=Talks, description="talks rounds and how they go")
    relations: RelationsSpec = Field(default_factory=RelationsSpec,
                                     description="how relations remember and forget")
    shocks: list[Shock] = Field(default_factory=list, max_length=MAX_SHOCKS,
                                description="dated events outside the missions")

    _file: str = PrivateAttr(default="")
    _sha256: str = PrivateAttr(default="")
    _warnings: list[str] | None = PrivateAttr(default=None)

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"{end} is before start ({start})")
        if start is not None and end > years_after(start, MAX_YEARS):
            years = (end - start).days / 365.25
            shown = f"{years:.0f}" if years >= MAX_YEARS + 1 else f"{years:.1f}"
            raise ValueError(f"{end} is {shown} years after start "
                             f"(allowed: at most {MAX_YEARS} years)")
        return end

    @field_validator("sample_days")
    @classmethod
    def _output_bounded(cls, sample_days: int, info: ValidationInfo) -> int:
        start, end = info.data.get("start"), info.data.get("end")
        if start is None or end is None:
            return sample_days  # reported where the horizon is wrong
        days = (end - start).days + 1
        if timeseries_rows(days, sample_days) > MAX_ROWS:
            least = next(n for n in range(sample_days, days + 1)
                         if timeseries_rows(days, n) <= MAX_ROWS)
            raise ValueError(
                f"{output_text(days, sample_days)} (allowed: at most {MAX_ROWS:,} rows, about "
                f"{megabytes(MAX_ROWS * MEMORY_PER_ROW)}: sample every {least} days or more, "
                "or shorten the horizon)")
        return sample_days

    @field_validator("sides")
    @classmethod
    def _run_bounded(cls, sides: dict[str, SideSpec], info: ValidationInfo
                     ) -> dict[str, SideSpec]:
        start, end, sample_days = (info.data.get(k) for k in ("start", "end", "sample_days"))
        if start is None or end is None or sample_days is None or len(sides) != 2:
            return sides  # reported where the horizon or the sides are wrong
        days = (end - start).days + 1
        if estimated_events(sides, days, sample_days) > MAX_EVENTS:
            raise ValueError(
                f"{cost_text(sides, days, sample_days)} (allowed: at most {MAX_EVENTS:,} "
                f"events, about {duration(MAX_EVENTS * SECONDS_PER_EVENT)}: shorten the "
                "horizon, or have fewer expatriate positions or longer tours)")
        return sides

    @property
    def file(self) -> str:
        """Path of the file the scenario was read from ('' if built in code)."""
        return self._file

    @property
    def sha256(self) -> str:
        """Hash of the file's bytes, stored with every output for provenance."""
        return self._sha256

    @property
    def warnings(self) -> list[str]:
        """What is valid but implausible, one line each (see ``sim.scenario.plausibility``).

        Set with lines by the loader; a scenario built in code gets them, without
        lines, on first use. They never stop a run: they say what to check.
        """
        if self._warnings is None:
            self._warnings = warnings_for(self)
        return list(self._warnings)

    def other(self, side: str) -> str:
        """The side facing ``side``."""
        return next(s for s in self.sides if s != side)

    def day(self, date: dt.date) -> int:
        """Days from the start to ``date``: the simulation clock."""
        return (date - self.start).days

    def date(self, day: float) -> dt.date:
        """The calendar date of a simulation time."""
        return self.start + dt.timedelta(days=int(day))


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28), or the last day there is."""
    if (day.month, day.day) == (2, 29):
        day = day.replace(day=28)
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date.max


#: Every stated limit, as the reference lists it: where, the limit, and why.
LIMITS: list[tuple[str, str, str]] = [
    ("`end`", f"at most {MAX_YEARS} years after `start`",
     "a horizon of centuries answers no question the model can, and costs minutes and "
     "hundreds of megabytes"),
    ("`posts[].expat`, `posts[].local`", f"at most {MAX_POSITIONS:,} each",
     "the largest missions in the world have a few thousand staff"),
    ("`sides.<id>.posts`", f"at most {MAX_POSITIONS:,} positions, expatriate and local, in "
     "all", "memory grows with the expatriates: about 400 MB at the limit"),
    ("`expel`: `count`", f"at most {MAX_POSITIONS:,}",
     "no expulsion takes more people than a mission may have"),
    ("`sides`: the run", f"at most {MAX_EVENTS:,} events estimated (about "
     f"{duration(MAX_EVENTS * SECONDS_PER_EVENT)})",
     f"the estimate is {EVENTS_PER_TOUR} events a tour of each expatriate position and one "
     "a sample (see Warnings); it bounds the time the other limits leave open"),
    ("`sample_days`: the run", f"at most {MAX_ROWS:,} rows of `timeseries.csv` "
     f"({ROWS_PER_SAMPLE} a sample)", f"a row costs about {MEMORY_PER_ROW} bytes of memory to "
     "write and draw: the limit keeps a run under 1 GiB (two centuries sampled every day "
     "would take 1.5 GiB)"),
    ("`moves`", f"at most {MAX_MOVES:,} in a scenario, those of the files it extends "
     "included", "the record has about a hundred; each move is validated and checked on "
     "its own"),
    *[(limit.where, limit.bound, limit.why) for limit in POLICY_LIMITS],
    ("`shocks`", f"at most {MAX_SHOCKS:,}", "each is a dated event of the record, and is "
     "logged like a move"),
]
