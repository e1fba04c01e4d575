"""Talks: rounds that may settle irritants, by a bargaining rule the record can support.

What was chosen, and why. The record gives no utilities to fit an offer-and-counteroffer
protocol (NegMAS's alternating offers) to; it gives which irritants each side put first,
what blocked them, and what each round settled. So a round is one step of a simple,
documented protocol, with every quantity measured by the model:

1. **Demands.** Each side ranks the open irritants by the harm the other side's measures
   under them do to its own mission (``sim.harm``, valued by its current priorities), or
   as the scenario declares (the record: the US put staffing and visas first, Russia its
   properties). Its first is its *top demand*.
2. **Acceptance.** A side accepts a package (a set of irritants, settled by both sides
   lifting their measures under them) only if, in this order:

   - *parity*: it is not asked to lift its measures under an irritant it holds until
     parity (``parity``: the US's "parity first": not while its mission has less than
     ``ratio`` of the other's staff);
   - *veto*: no irritant in it needs a step the side cannot take yet (``vetoes``: the
     congressional review the US needs before it returns the compounds);
   - *linkage*: its top demand is in it, or sequenced by a roadmap agreed in an
     earlier round;
   - *gain*: what it gains (harm lifted from its mission) less ``concession_weight``
     times what it gives (harm it lifts from the other's) is at least its reservation
     point, drawn for the round: ``reservation`` + ``recent_weight`` per hostile move of
     the other in the last 90 days + ``reservation_spread`` times a standard normal.
3. **Choice.** Of the packages of at most ``steps_per_round`` irritants that both
   accept, the round settles the one with the largest product of the two surpluses
   (Nash's bargaining solution); none: no settlement, and the log says why each side
   refused the natural offer (both top demands together, or the step worth most to the
   two when a roadmap sequences them).
4. **Roadmap.** A round held under a leaders' mandate (a ``sim.shocks`` shock) that
   leaves a top demand unsettled agrees a roadmap sequencing both top demands; it counts
   from the next round, which settles a step of the roadmap if it can (the rest of the
   agenda only if none of its steps is acceptable), and a suspension of the talks voids
   it.
5. A **proposal** (``proposal:`` on a round) puts one package to the other side, which
   accepts or refuses it by the same rule; a round of the record can also fix its
   outcome with ``settle:``.

A settlement is a ``settle`` move with origin ``talks``; each round is logged as a
talks statement saying what was settled or why not. The draws come from the run's
``talks`` stream, one per side per drawn round (one for the side answering a proposal),
so a run stays reproducible.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import TYPE_CHECKING, Literal

from pydantic import ConfigDict, Field

from sim.moves import IRRITANTS, Settle, Statement
from sim.moves.base import Irritant
from sim.spec import STRICT, Strict

if TYPE_CHECKING:
    from sim.model import Simulation

RECENT_DAYS = 90
ALL_IRRITANTS: list[Irritant] = list(IRRITANTS)  # type: ignore[arg-type]


class Proposal(Strict):
    """A package one side puts to the other."""

    by: str = Field(description="side proposing")
    package: list[Irritant] | Literal["all"] = Field(
        min_length=1, description="irritants to settle, or `all` (everything open)")


class TalksRound(Strict):
    """One round of talks on a date."""

    date: dt.date
    name: str = Field(default="", description="e.g. `Istanbul round 2`")
    agenda: list[Irritant] | None = Field(default=None,
                                          description="irritants discussed (default: the talks')")
    settle: list[Irritant] | None = Field(
        default=None, description="known outcome: irritants settled ([] for none); "
        "omit to draw the outcome")
    proposal: Proposal | None = Field(default=None,
                                      description="a package one side proposes to the other")
    demands: dict[str, list[Irritant]] | None = Field(
        default=None, description="demands a side brings to this round, first first, by side "
                                  "(they stand for later rounds)")
    source: str | None = None
    note: str | None = None


class Parity(Strict):
    """Irritants a side will not settle while its mission is smaller than the other's."""

    irritants: list[Irritant] = Field(default_factory=lambda: ["staffing", "visas"],
                                      description="its measures under these stay until parity")
    ratio: float = Field(default=0.9, gt=0, le=10,
                         description="parity: its staff at least this share of the other's")


class Veto(Strict):
    """An irritant a side cannot settle until a step outside the talks is taken."""

    irritant: Irritant
    by: str = Field(default="legislative review", description="the step it needs")
    cleared: dt.date | None = Field(default=None,
                                    description="date the step is taken (none: not in the run)")
    source: str | None = None


class SideTalks(Strict):
    """How one side negotiates."""

    demands: list[Irritant] | None = Field(
        default=None, description="its demands, first first (default: ranked by its harm)")
    parity: Parity | None = Field(default=None, description="parity first, on what")
    vetoes: list[Veto] = Field(default_factory=list, description="irritants under a veto")


class Talks(Strict):
    """Talks between the sides: dated rounds, rounds every N days, and how they go."""

    model_config = ConfigDict(**STRICT, populate_by_name=True)

    rounds: list[TalksRound] = Field(default_factory=list, description="dated rounds")
    every_days: int | None = Field(default=None, ge=1, description="also a round every N days")
    from_: dt.date | None = Field(default=None, alias="from",
                                  description="first periodic round (default: every_days "
                                  "after the start)")
    until: dt.date | None = Field(default=None, description="no periodic round after this")
    agenda: list[Irritant] = Field(default_factory=lambda: list(ALL_IRRITANTS),
                                   description="irritants discussed")
    steps_per_round: int = Field(default=1, ge=1, le=len(ALL_IRRITANTS),
                                 description="most irritants one round settles")
    concession_weight: float = Field(
        default=0.5, ge=0, le=10,
        description="what a point of harm lifted from the other costs a side, against a "
                    "point lifted from its own mission")
    reservation: float = Field(default=0.0, ge=-100, le=100,
                               description="least net gain a side accepts, in points of harm")
    reservation_spread: float = Field(
        default=0.25, ge=0, le=100,
        description="spread (standard deviation) of each side's reservation in a round")
    recent_weight: float = Field(
        default=0.5, ge=0, le=100,
        description="reservation raised per hostile move of the other in the last 90 days")
    sides: dict[str, SideTalks] = Field(default_factory=dict,
                                        description="how each side negotiates, by side")


class TalksProcess:
    """Holds the rounds of a run and decides them."""

    def __init__(self, sim: Simulation, talks: Talks):
        self.sim, self.talks = sim, talks
        self.rng = sim.streams("talks")
        self.sides = {side: talks.sides.get(side, SideTalks()) for side in sim.missions}
        #: Each side's declared demands now (a round can state new ones).
        self.declared = {side: spec.demands for side, spec in self.sides.items()}
        #: Irritants sequenced by an agreed roadmap, and those agreed in the last round
        #: (they count from the next).
        self.roadmap: set[str] = set()
        self._pending: set[str] = set()
        self.suspended = False
        self.mandate = False
        for talks_round in talks.rounds:
            sim.clock.at_day(sim.scenario.day(talks_round.date), self.hold, talks_round)
        if talks.every_days:
            first = (sim.scenario.day(talks.from_) if talks.from_
                     else talks.every_days)
            last = sim.scenario.day(talks.until or sim.scenario.end)
            for day in range(first, last + 1, talks.every_days):
                sim.clock.at_day(day, self.hold, TalksRound(date=sim.scenario.date(day),
                                                      name="periodic round"))

    # -- what is on the table -------------------------------------------------------

    def open_irritants(self, agenda: list[Irritant]) -> list[Irritant]:
        """Irritants on the agenda with something to settle."""
        in_force = {m.move.move for mission in self.sim.missions.values()
                    for m in mission.restrictions()}
        guaranteed = all(m.in_force("banking_guarantee") for m in self.sim.missions.values())
        return [i for i in agenda if in_force & set(IRRITANTS[i])
                or (i == "banking" and not guaranteed)]

    def gains(self, side: str, irritant: str) -> float:
        """Harm the other side's measures under ``irritant`` do to ``side``'s mission, as
        ``side`` weighs it now.
        """
        sim = self.sim
        return sum(sim.harm_value(side, m.loss, m.baseline)
                   for m in sim.mission(side).restrictions()
                   if m.move.settled_under == irritant and m.loss is not None)

    def gives(self, side: str, irritant: str) -> float:
        """Harm ``side``'s measures under ``irritant`` do to the other's mission, as the
        other weighs it now: what settling it gives away.
        """
        return self.gains(self.sim.scenario.other(side), irritant)

    def demands(self, side: str, open_: list[Irritant]) -> list[Irritant]:
        """The side's demands among the open irritants, first first."""
        declared = self.declared[side]
        if declared is not None:
            return [i for i in declared if i in open_]
        ranked = sorted(open_, key=lambda i: -self.gains(side, i))
        return [i for i in ranked if self.gains(side, i) > 0]

    # -- deciding -------------------------------------------------------------------

    def surplus(self, side: str, package: tuple[str, ...]) -> float:
        """What the package is worth to the side: gains less the weighted concessions."""
        weight = self.talks.concession_weight
        return sum(self.gains(side, i) - weight * self.gives(side, i) for i in package)

    def refusal(self, side: str, package: tuple[str, ...], top: str | None,
                reservation: float) -> str | None:
        """Why ``side`` refuses ``package``, in words, or None if it accepts."""
        sim, spec = self.sim, self.sides[side]
        other = sim.scenario.other(side)
        parity = spec.parity
        if parity is not None:
            held = [i for i in package if i in parity.irritants and self.gives(side, i) > 0]
            mine, theirs = sim.mission(side).staff_total, sim.mission(other).staff_total
            if held and mine < parity.ratio * theirs:
                return (f"parity first: it would lift its {', '.join(held)} measures while its "
                        f"mission has {mine} staff to {other}'s {theirs} "
                        f"({mine / max(1, theirs):.0%}; it asks {parity.ratio:.0%})")
        for veto in spec.vetoes:
            if veto.irritant in package and (veto.cleared is None or veto.cleared > sim.today):
                return f"{veto.irritant} needs {veto.by} first"
        if top is not None and top not in package and top not in self.roadmap:
            return f"its top demand, {top}, is neither in it nor on an agreed roadmap"
        value = self.surplus(side, package)
        if value < reservation:
            return (f"it would gain {value:.2f} net, below its reservation of "
                    f"{reservation:.2f}")
        return None

    def reservation(self, side: str) -> float:
        """The side's reservation point for this round (one draw from the talks stream)."""
        t, sim = self.talks, self.sim
        other = sim.scenario.other(side)
        recent = sum(1 for m in sim.measures if m.actor == other and m.is_restriction
                     and sim.now - m.start <= RECENT_DAYS)
        return t.reservation + t.recent_weight * recent + t.reservation_spread * self.rng.normal()

    def choose(self, open_: list[Irritant], tops: dict[str, str | None],
               reservations: dict[str, float]) -> tuple[str, ...]:
        """The package both accept with the largest product of surpluses (empty: none)."""
        best: tuple[str, ...] = ()
        best_product = -1.0
        for size in range(1, min(self.talks.steps_per_round, len(open_)) + 1):
            for package in itertools.combinations(open_, size):
                if any(self.refusal(s, package, tops[s], reservations[s]) for s in tops):
                    continue
                product = 1.0
                for side in tops:
                    product *= self.surplus(side, package) - reservations[side]
                if product > best_product:
                    best, best_product = package, product
        return best

    # -- a round --------------------------------------------------------------------

    def hold(self, talks_round: TalksRound) -> None:
        """Hold a round: settle what is agreed, agree a roadmap, and log the round."""
        name = talks_round.name or "round"
        if self.suspended:
            self._log(talks_round, f"{name}: not held, the talks are suspended")
            return
        self.roadmap |= self._pending
        self._pending = set()
        self.declared.update(talks_round.demands or {})
        agenda = self.open_irritants(self.talks.agenda if talks_round.agenda is None
                                     else talks_round.agenda)
        tops = {side: next(iter(self.demands(side, agenda)), None) for side in self.sides}
        if talks_round.settle is not None:
            settled: tuple[str, ...] = tuple(i for i in agenda if i in talks_round.settle)
            why = ""
        elif talks_round.proposal is not None:
            settled, why = self._answer(talks_round.proposal, agenda, tops)
        else:
            reservations = {side: self.reservation(side) for side in self.sides}
            on_map = [i for i in agenda if i in self.roadmap]  # the roadmap's steps first
            settled = self.choose(on_map, tops, reservations) or self.choose(
                agenda, tops, reservations)
            why = "" if settled else self._why_not(agenda, tops, reservations)
        note = f"{name}: " + (f"settled {', '.join(settled)}" if settled else "no settlement")
        note += f". {why}" if why else ""
        self.roadmap -= set(settled)
        if talks_round.settle is None:  # a round of known outcome agrees only what it did
            note += self._agree_roadmap(tops, settled)
        self._log(talks_round, note)
        common = {"date": self.sim.today, "actor": next(iter(self.sides)),
                  "source": talks_round.source}
        for irritant in settled:
            self.sim.apply(Settle(**common, irritant=irritant, note=f"{name}: settled"),
                           origin="talks", checked=True)

    def _answer(self, proposal: Proposal, agenda: list[Irritant], tops: dict[str, str | None]
                ) -> tuple[tuple[str, ...], str]:
        """The other side's answer to a proposal: the package, or why it refuses."""
        package = tuple(agenda if proposal.package == "all"
                        else [i for i in agenda if i in proposal.package])
        other = self.sim.scenario.other(proposal.by)
        why = self.refusal(other, package, tops[other], self.reservation(other))
        offer = f"{proposal.by} proposes settling {', '.join(package) or 'nothing'}"
        return ((), f"{offer}; {other} refuses: {why}") if why else (package, offer)

    def _why_not(self, agenda: list[Irritant], tops: dict[str, str | None],
                 reservations: dict[str, float]) -> str:
        """Why each side refused the natural offer: both top demands together, or, when a
        roadmap sequences them, the step on the agenda that came closest.
        """
        if not agenda:
            return "nothing on the agenda is open"
        offer = tuple(i for i in agenda if i in tops.values() and i not in self.roadmap)
        if not offer:
            offer = (max(agenda, key=lambda i: self._closeness(i, tops, reservations)),)
        reasons = [f"{side} refuses {' + '.join(offer)}: {why}" for side in self.sides
                   if (why := self.refusal(side, offer, tops[side], reservations[side]))]
        return "; ".join(reasons) or f"{' + '.join(offer)} was not the best step"

    def _closeness(self, irritant: str, tops: dict[str, str | None],
                   reservations: dict[str, float]) -> tuple[bool, float]:
        """How near a one-irritant step came to being accepted: first those refused only
        for want of gain, then by the smaller of the two margins over the reservations.
        """
        step = (irritant,)
        gain_only = all(self.refusal(s, step, tops[s], -float("inf")) is None for s in tops)
        return gain_only, min(self.surplus(s, step) - reservations[s] for s in tops)

    def _agree_roadmap(self, tops: dict[str, str | None], settled: tuple[str, ...]) -> str:
        """Under a mandate, sequence the top demands left unsettled (from the next round)."""
        left = {t for t in tops.values() if t is not None and t not in settled}
        if not self.mandate or not left or left <= self.roadmap:
            return ""
        self._pending = left
        return f". Agreed a roadmap on {', '.join(sorted(left))}"

    def _log(self, talks_round: TalksRound, note: str) -> None:
        text = note + (f". {talks_round.note}" if talks_round.note else "")
        self.sim.apply(Statement(date=self.sim.today, actor=next(iter(self.sides)),
                                 kind="talks", source=talks_round.source, note=text),
                       origin="talks", checked=True)

    # -- outside events -------------------------------------------------------------

    def suspend(self) -> None:
        """Suspend the talks: no round is held, and any roadmap and mandate are void."""
        self.suspended, self.mandate = True, False
        self.roadmap, self._pending = set(), set()

    def resume(self) -> None:
        """Resume the talks."""
        self.suspended = False
