"""The catalogue of moves: one small class per move, listed once in ``MOVES``."""

from __future__ import annotations

from sim.moves.access import (
    BankingGuarantee,
    BankingRestriction,
    ResumeFlights,
    SuspendFlights,
    TravelNotice,
    TravelRadius,
    VisaPolicy,
)
from sim.moves.base import Move
from sim.moves.lifting import IRRITANTS, Lift, LiftAll, Settle, Statement
from sim.moves.posts import (
    ClosePost,
    ReopenPost,
    ResumeConsular,
    ReturnProperty,
    SeizeProperty,
    SuspendConsular,
)
from sim.moves.staffing import Expel, LocalHireBan, StaffCap, TenureLimit

#: Every move, in the order ``parity moves`` lists them.
MOVES: list[type[Move]] = [
    Expel,
    StaffCap,
    LocalHireBan,
    TenureLimit,
    ClosePost,
    ReopenPost,
    SeizeProperty,
    ReturnProperty,
    SuspendConsular,
    ResumeConsular,
    TravelRadius,
    TravelNotice,
    VisaPolicy,
    BankingRestriction,
    BankingGuarantee,
    SuspendFlights,
    ResumeFlights,
    Lift,
    LiftAll,
    Settle,
    Statement,
]

#: Move classes by the name used in scenario files.
BY_NAME: dict[str, type[Move]] = {cls.model_fields["move"].default: cls for cls in MOVES}

__all__ = ["BY_NAME", "IRRITANTS", "MOVES", "Move", *[cls.__name__ for cls in MOVES]]
