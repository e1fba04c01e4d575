"""The catalogue of moves: one small class per move, listed once in ``MOVES``."""

from __future__ import annotations

from typing import get_args

from sim.moves.access import (
    BankingGuarantee,
    BankingRestriction,
    ResumeFlights,
    SuspendFlights,
    TravelNotice,
    TravelRadius,
    VisaPolicy,
)
from sim.moves.base import IN_FORCE, Context, Irritant, Move
from sim.moves.lifting import Lift, LiftAll, Settle, Statement
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
#: What talks can settle, and the kinds of measure each covers: read off the catalogue.
IRRITANTS: dict[Irritant, tuple[str, ...]] = {
    irritant: tuple(name for name, cls in BY_NAME.items() if cls.settled_under == irritant)
    for irritant in get_args(Irritant)
}
#: Instruments a policy can restrict with, by name, each built by its ``from_intent``.
INSTRUMENTS: dict[str, type[Move]] = {name: cls for name, cls in BY_NAME.items()
                                      if cls.is_instrument()}
#: Moves the staff figure labels even without a number in their detail.
LABELLED: frozenset[str] = frozenset(name for name, cls in BY_NAME.items() if cls.labelled)

__all__ = ["BY_NAME", "IN_FORCE", "INSTRUMENTS", "IRRITANTS", "LABELLED", "MOVES", "Context",
           "Move", *[cls.__name__ for cls in MOVES]]
