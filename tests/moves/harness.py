"""A shared test harness for the catalogue of moves, like the policies' ``PolicyCase``.

``make_move`` builds any move of ``MOVES`` on the small scenario of
``conftest.py`` (A: an embassy ``emb`` and a consulate ``con``, a property
``dacha``; B: one embassy ``bemb``), with its size and notice drawn by the
caller, so every move can be checked by the same rules and thrown at the
random-moves invariant test. A move added to the catalogue without a case here
fails ``test_every_move_has_a_case``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sim.model import Simulation
from sim.moves import (
    BankingGuarantee,
    BankingRestriction,
    ClosePost,
    Expel,
    Lift,
    LiftAll,
    LocalHireBan,
    Move,
    ReopenPost,
    ResumeConsular,
    ResumeFlights,
    ReturnProperty,
    SeizeProperty,
    Settle,
    StaffCap,
    Statement,
    SuspendConsular,
    SuspendFlights,
    TenureLimit,
    TravelNotice,
    TravelRadius,
    VisaPolicy,
)

Build = Callable[[dict[str, Any], str, int, int], Move | None]


def _other(actor: str) -> str:
    return "B" if actor == "A" else "A"


def _post(target: str, size: int) -> str:
    return "bemb" if target == "B" else ("con", "emb")[size % 2]


def _own_measure(sim: Simulation, actor: str, size: int, kinds: tuple[str, ...] | None = None
                 ) -> str | None:
    """One of the actor's measures in force, chosen by ``size``, or None."""
    own = [m.id for mission in sim.missions.values() for m in mission.measures.values()
           if m.actor == actor and (kinds is None or m.move.move in kinds)]
    return own[size % len(own)] if own else None


#: How to build each move from ``(common fields, target, size, notice)``; the lifting
#: moves that need something in force to lift are built by ``make_move`` from the state.
CASES: dict[str, Build] = {
    "expel": lambda c, t, size, notice: Expel(**c, count=1 + size % 60, notice_days=notice),
    "staff_cap": lambda c, t, size, notice: StaffCap(**c, ceiling=size, notice_days=notice),
    "local_hire_ban": lambda c, t, size, notice: LocalHireBan(**c, notice_days=notice),
    "tenure_limit": lambda c, t, size, notice: TenureLimit(
        **c, years=0.5 + size / 200, deadline=c["date"] + dt.timedelta(days=notice)),
    "close_post": lambda c, t, size, notice: ClosePost(**c, post=_post(t, size),
                                                       notice_days=notice % 5),
    "reopen_post": lambda c, t, size, notice: ReopenPost(**c, post=_post(t, size)),
    "seize_property": lambda c, t, size, notice: SeizeProperty(**c, property="dacha")
    if t == "A" else None,
    "return_property": lambda c, t, size, notice: ReturnProperty(**c, property="dacha")
    if t == "A" else None,
    "suspend_consular": lambda c, t, size, notice: SuspendConsular(
        **{**c, "target": c["actor"]}, posts=None if size % 3 == 0 else [_post(c["actor"], size)]),
    "resume_consular": lambda c, t, size, notice: ResumeConsular(
        **{**c, "target": c["actor"]}, posts=None if size % 2 else [_post(c["actor"], size)]),
    "travel_radius": lambda c, t, size, notice: TravelRadius(**c, km=1 + size / 4),
    "travel_notice": lambda c, t, size, notice: TravelNotice(**c, days=notice % 10),
    "visa_policy": lambda c, t, size, notice: VisaPolicy(
        **c, approval_rate=(size % 5) / 4, processing_days=5 + notice,
        quota=(None, 10)[size % 2]),
    "banking_restriction": lambda c, t, size, notice: BankingRestriction(**c),
    "banking_guarantee": lambda c, t, size, notice: BankingGuarantee(**c),
    "suspend_flights": lambda c, t, size, notice: SuspendFlights(**c),
    "resume_flights": lambda c, t, size, notice: ResumeFlights(**c),
    "lift_all": lambda c, t, size, notice: LiftAll(**c),
    "settle": lambda c, t, size, notice: Settle(**c, irritant=(
        "visas", "staffing", "local_hires", "travel", "properties", "posts", "banking",
        "flights")[size % 8]),
    "statement": lambda c, t, size, notice: Statement(**c, kind="threat"),
    "lift": lambda c, t, size, notice: None,  # needs the state: see make_move
}


def make_move(sim: Simulation, name: str, actor: str, size: int = 5, notice: int = 7,
              ident: str | None = None) -> Move | None:
    """A move of kind ``name`` by ``actor`` dated today, or None when it cannot be made."""
    common: dict[str, Any] = {"date": sim.today, "actor": actor}
    if name == "lift":
        measure = _own_measure(sim, actor, size)
        return Lift(**common, measure=measure) if measure else None
    cls_persists = name not in ("reopen_post", "return_property", "resume_consular",
                                "resume_flights", "lift_all", "settle", "statement")
    if ident is not None and cls_persists:
        common["id"] = ident
    return CASES[name](common, _other(actor), size, notice)


#: For each move that gives something back, the move it undoes, made first in its tests.
UNDOES: dict[str, str] = {
    "reopen_post": "close_post",
    "return_property": "seize_property",
    "resume_consular": "suspend_consular",
    "resume_flights": "suspend_flights",
    "banking_guarantee": "banking_restriction",
    "lift": "staff_cap",
    "lift_all": "staff_cap",
    "settle": "staff_cap",
}
