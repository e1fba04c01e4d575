"""Warnings for a scenario that is valid but implausible, and what a run of it will cost.

An error stops a run; a warning does not. These flag values a specialist would
query before trusting the result: an expulsion of more people than the mission
has, a side restricting its own mission, a ceiling its reduction order cannot
meet or meets with locals only, replacements that cannot arrive in time, visas
never granted, consular shares that do not add up, and a run long enough to
notice. Each warning is ``file:line: path: what is implausible (why, and what
is usual)``, as errors are, on one printable line no longer than an error's.

The cost estimate is also what the schema's limit on a run's size checks, so
this module imports nothing of the schema at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.errors import capped, one_line
from sim.metrics import JOINT_METRICS, SIDE_METRICS
from sim.moves import Expel, StaffCap, VisaPolicy
from sim.scenario.yamlsource import Path_, by_file_and_line, dotted
from sim.staffing import YEAR

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario, SideSpec
    from sim.scenario.yamlsource import Source

#: Events one tour makes: its replacement sought, the visa decided, the arrival and the
#: tour's end (measured: 4.03 a tour on two missions of 1,000 expatriates over 10 years
#: with no moves, the rest being the weekly samples).
EVENTS_PER_TOUR = 4
#: Wall time of one event: 4.8 to 5.7 µs measured on missions of up to 2,000 expatriates
#: (the record replay: 7,740 events in 0.05 s); 8 to 13 µs on missions of tens of thousands.
SECONDS_PER_EVENT = 5e-6
#: A run estimated above this many events (about 10 s) gets a warning; the record replay
#: is about 8,000.
WARN_EVENTS = 2_000_000
#: Rows of ``timeseries.csv`` one sample makes: each of the two sides' metrics, and the
#: joint ones.
ROWS_PER_SAMPLE = 2 * len(SIDE_METRICS) + len(JOINT_METRICS)
#: Bytes of ``timeseries.csv`` a row takes (measured: 30.4 over 200 years of daily samples).
BYTES_PER_ROW = 30
#: Peak memory a row costs a run that writes and draws it, in bytes (measured: 560 to 590 a
#: row from 0.7 to 2.6 million rows, figures drawn; 890 MiB in all at 1.5 million).
MEMORY_PER_ROW = 600
#: Wall time a row costs to sample, write and draw (measured: 7 to 8 µs a row).
SECONDS_PER_ROW = 7.5e-6
#: A run writing more rows than this (about 600 MB of memory) gets a warning; the record
#: replay writes about 17,000.
WARN_ROWS = 1_000_000
#: Consular shares within this of 1 add up to 1 (rounding in the file).
SHARE_TOLERANCE = 0.005

#: A warning before it is placed: the path of the key it concerns, and the text.
Finding = tuple[Path_, str]


def warnings_for(scenario: Scenario, source: Source | None = None) -> list[str]:
    """Every warning for ``scenario``, sorted by file and line.

    With the YAML ``source`` it was loaded from, each starts ``file:line: path:``;
    without (a scenario built in code), ``path:`` only.
    """
    found = [finding for rule in RULES for finding in rule.check(scenario)]
    if source is None:
        return [capped(one_line(f"{dotted(path)}: {text}")) for path, text in found]
    return sorted((capped(one_line(f"{source.where(path)}: {source.dotted(path)}: {text}"))
                   for path, text in found), key=by_file_and_line)


# -- what a run costs ---------------------------------------------------------------


def expat_positions(side: SideSpec) -> int:
    """Expatriate positions of a side's mission at the start."""
    return sum(post.expat for post in side.posts)


def mean_tour_days(side: SideSpec) -> float:
    """Mean tour in days (the mean of the triangular distribution)."""
    tour = side.tour_years
    return YEAR * (tour.low + tour.mode + tour.high) / 3


def turnover_days(side: SideSpec) -> float:
    """Mean days between two holders of a position taking it up.

    A tour, unless the replacement cannot arrive by its end: it is sought
    ``visa_lead_days`` before (not before its predecessor arrives), decided in no
    less than a day, and travels; so very short tours still turn over about daily.
    """
    tour = mean_tour_days(side)
    turnaround = max(1.0, side.host_visa_policy.processing_days) + side.travel_days
    return max(tour, max(0.0, tour - side.visa_lead_days) + turnaround)


def estimated_events(sides: Mapping[str, SideSpec], days: int, sample_days: int) -> int:
    """Events a run of ``days`` will make, about: the tours of every expatriate position,
    and the samples.

    Local employees are hired once and make events only when cut and rehired, so
    only expatriate positions count. The estimate is that of missions left alone:
    the record replay, whose missions shrink, makes 7,740 against 9,352 estimated.
    """
    tours = sum(expat_positions(side) * days / turnover_days(side) for side in sides.values())
    return round(EVENTS_PER_TOUR * tours + days / sample_days)


def samples(days: int, sample_days: int) -> int:
    """Samples a run of ``days`` takes: every ``sample_days`` from the first day, and the last."""
    return len(range(0, days, sample_days)) + (1 if (days - 1) % sample_days else 0)


def timeseries_rows(days: int, sample_days: int) -> int:
    """Rows of ``timeseries.csv`` a run of ``days`` writes (its header left out)."""
    return samples(days, sample_days) * ROWS_PER_SAMPLE


def output_text(days: int, sample_days: int) -> str:
    """What a run's samples cost: the text of the warning and of the limit on them."""
    rows = timeseries_rows(days, sample_days)
    every = "every day" if sample_days == 1 else f"every {sample_days} days"
    return (f"{rows:,} rows of timeseries.csv ({samples(days, sample_days):,} samples, "
            f"{every} over {days / YEAR:.0f} years, of {ROWS_PER_SAMPLE} rows each), about "
            f"{megabytes(rows * BYTES_PER_ROW)} written, and about "
            f"{megabytes(rows * MEMORY_PER_ROW)} of memory and "
            f"{duration(rows * SECONDS_PER_ROW)} to write and draw")


def megabytes(size: float) -> str:
    """Bytes in words: ``80 MB``, ``1.6 GB``."""
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{max(1, round(size / 1e6))} MB"


def duration(seconds: float) -> str:
    """Seconds in words a reader can weigh: ``12 s``, ``4 min``, ``3 h``."""
    if seconds < 120:
        return f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def cost_text(sides: Mapping[str, SideSpec], days: int, sample_days: int) -> str:
    """What makes a run long, and how long: the text of the warning and of the limit."""
    events = estimated_events(sides, days, sample_days)
    positions = sum(expat_positions(side) for side in sides.values())
    tour = sum(expat_positions(side) * mean_tour_days(side)  # the average position's
               for side in sides.values()) / max(1, positions) / YEAR
    return (f"about {events:,} events to simulate ({positions:,} expatriate positions over "
            f"{days / YEAR:.0f} years, tours of {tour:.2g} years on average), about "
            f"{duration(events * SECONDS_PER_EVENT)} at 5 µs an event")


# -- the rules ----------------------------------------------------------------------


def oversized_expulsions(scenario: Scenario) -> Iterator[Finding]:
    """An expulsion of more people than the target's mission (or post) has positions for.

    The engine expels everyone present and stops, so the count is a typo or a
    misreading of the sides (a mission is the sending side's, in the other country).
    A closed post's positions move to the embassy, so an expulsion from the embassy
    is held against the whole mission.
    """
    sides = list(scenario.sides)
    for i, move in enumerate(scenario.moves):
        if not isinstance(move, Expel):
            continue
        target = move.target_in(sides)
        posts = {post.id: post for post in scenario.sides[target].posts}
        post = posts.get(move.post) if move.post else None
        if post is not None and post.kind != "embassy":
            if move.count > post.expat:
                yield (("moves", i, "count"),
                       f"expels {move.count} from {post.id} but that post of the {target} "
                       f"mission has {post.expat} expatriate positions at the start "
                       "(an expulsion takes expatriates only)")
            continue
        have = expat_positions(scenario.sides[target])
        if move.count > have:
            yield (("moves", i, "count"),
                   f"expels {move.count} but the {target} mission has {have} expatriate "
                   "positions at the start (an expulsion takes expatriates only)")


#: Restrictions a side may put on its own mission: closing one of its own posts (the US
#: closed its consulates in Yekaterinburg and Vladivostok). Suspending one's own visa work
#: is not a restriction: it acts on the actor's mission by design.
ON_OWN_MISSION = ("close_post",)


def self_restrictions(scenario: Scenario) -> Iterator[Finding]:
    """A restriction whose actor names its own mission as the target.

    Expelling one's own diplomats, capping one's own staff or refusing one's own
    visas is what the other side does; a side cutting itself writes a ceiling or
    closure as the other side's move, or closes its own post.
    """
    other = scenario.other
    for i, move in enumerate(scenario.moves):
        if (move.target == move.actor and move.restricts and move.persists
                and move.move not in ON_OWN_MISSION):
            yield (("moves", i, "target"),
                   f"{move.actor} puts a {move.move} on its own mission (the target is the "
                   f"actor); a restriction is put on the other side's mission, "
                   f"{other(move.actor)}'s: leave `target` out")


def cut_by_order(side: SideSpec, ceiling: int) -> tuple[int, int]:
    """Expatriates and locals left when the side's mission, full as at the start, is cut
    to ``ceiling`` in its ``reduction_order`` (as the engine cuts it).
    """
    staff = {"expat": expat_positions(side), "local": sum(post.local for post in side.posts)}
    for step in side.reduction_order:
        excess = staff["expat"] + staff["local"] - ceiling
        if excess <= 0:
            break
        staff[step.staff] -= max(0, min(excess, staff[step.staff] - step.keep))
    return staff["expat"], staff["local"]


def ceilings_against_order(scenario: Scenario) -> Iterator[Finding]:
    """A ceiling the target's reduction order meets with locals only, or cannot meet.

    A mission cut to local employees has no diplomat left to run it; a ceiling
    below the ``keep`` floors leaves the mission over it for good. Judged on the
    mission as at the start.
    """
    sides = list(scenario.sides)
    for i, move in enumerate(scenario.moves):
        if not isinstance(move, StaffCap):
            continue
        target = move.target_in(sides)
        expats, locals_ = cut_by_order(scenario.sides[target], move.ceiling)
        if expats + locals_ > move.ceiling:
            yield (("moves", i, "ceiling"),
                   f"{target}'s reduction_order cuts its mission no lower than "
                   f"{expats + locals_} (its `keep` floors), above the ceiling of "
                   f"{move.ceiling}: the mission stays over the ceiling (end the order with "
                   "a step without `keep`)")
        elif expats == 0 and locals_ > 0:
            yield (("moves", i, "ceiling"),
                   f"a ceiling of {move.ceiling} is met, in {target}'s reduction_order, by "
                   f"sending home every expatriate and keeping {locals_} local employees: a "
                   "mission of locals only, with no diplomat (a mission keeps diplomats "
                   "first: give the expat step a `keep`, or cut locals further before it)")


def floors_above_positions(scenario: Scenario) -> Iterator[Finding]:
    """A ``keep`` floor above the positions of its kind: the step can never cut anyone."""
    for name, side in scenario.sides.items():
        have = {"expat": expat_positions(side), "local": sum(post.local for post in side.posts)}
        for j, step in enumerate(side.reduction_order):
            if step.keep > have[step.staff]:
                yield (("sides", name, "reduction_order", j, "keep"),
                       f"keep {step.keep} is more than the {have[step.staff]} {step.staff} "
                       "positions the mission has at the start: this step never cuts anyone "
                       "(leave it out, or keep fewer)")


def long_run(scenario: Scenario) -> Iterator[Finding]:
    """A run estimated long enough to notice (see ``estimated_events``)."""
    days = scenario.day(scenario.end) + 1
    if estimated_events(scenario.sides, days, scenario.sample_days) > WARN_EVENTS:
        yield (("end",),
               f"{cost_text(scenario.sides, days, scenario.sample_days)} (warned above "
               f"{WARN_EVENTS:,} events, about {duration(WARN_EVENTS * SECONDS_PER_EVENT)}; "
               "the record replay makes about 8,000): a shorter horizon or fewer expatriate "
               "positions run faster")


def large_output(scenario: Scenario) -> Iterator[Finding]:
    """A run whose samples make a large ``timeseries.csv`` (see ``timeseries_rows``)."""
    days = scenario.day(scenario.end) + 1
    if timeseries_rows(days, scenario.sample_days) > WARN_ROWS:
        yield (("sample_days",),
               f"{output_text(days, scenario.sample_days)} (warned above {WARN_ROWS:,} rows; "
               "the record replay writes about 17,000): sample less often, or shorten the "
               "horizon")


def late_replacements(scenario: Scenario) -> Iterator[Finding]:
    """Replacements that arrive after their predecessors leave, even with every visa granted.

    One is sought ``visa_lead_days`` before a tour ends (or on arrival, if the
    tour is shorter), then waits for the host's decision and travels: if that
    takes longer, every position stands empty between holders and the mission
    runs below strength by mechanics alone.
    """
    for name, side in scenario.sides.items():
        shortest = side.tour_years.low * YEAR
        need = max(1.0, side.host_visa_policy.processing_days) + side.travel_days
        lead = min(side.visa_lead_days, shortest)
        if lead >= need:
            continue
        takes = (f"take {need:g} days to arrive (the host's processing_days "
                 f"{side.host_visa_policy.processing_days:g} plus travel_days "
                 f"{side.travel_days:g})")
        if side.visa_lead_days <= shortest:
            yield (("sides", name, "visa_lead_days"),
                   f"replacements are sought {side.visa_lead_days:g} days before a tour ends "
                   f"but {takes}: every position stands empty between holders, so the "
                   "mission runs below strength even with every visa granted (usual: a "
                   "lead of 90 days or more)")
        else:
            yield (("sides", name, "tour_years", "low"),
                   f"tours as short as {side.tour_years.low:g} years ({shortest:.0f} days) "
                   f"end before a replacement can arrive: replacements {takes}, so the "
                   "mission runs below strength even with every visa granted (usual: tours "
                   "of 1 to 4 years)")


def visas_never_granted(scenario: Scenario) -> Iterator[Finding]:
    """A host that refuses every visa for the whole run, with no move that changes it.

    The mission then loses each expatriate at the end of the tour and never
    replaces one: a what-if of refused visas is written as a dated ``visa_policy``
    move, which can be lifted and answered.
    """
    sides = list(scenario.sides)
    for name, side in scenario.sides.items():
        policy = side.host_visa_policy
        key = "approval_rate" if policy.approval_rate == 0 else "quota"
        if policy.approval_rate > 0 and policy.quota != 0:
            continue
        if any(isinstance(m, VisaPolicy) and m.target_in(sides) == name
               and m.approval_rate > 0 and m.quota != 0 for m in scenario.moves):
            continue
        yield (("sides", name, "host_visa_policy", key),
               f"{key} 0 refuses every visa for the whole run and no move grants any: the "
               f"{name} mission loses each expatriate at the end of the tour and replaces "
               "none (to refuse visas from a date, use a `visa_policy` move; usual: "
               "approval_rate 0.97, no quota)")


def consular_shares(scenario: Scenario) -> Iterator[Finding]:
    """Consular shares of a mission that does consular work and whose shares do not add up to 1.

    Output is the consular staff's rate times the shares of the posts still
    issuing, at most 1: below 1 the mission never issues what its staff could,
    above 1 closing or suspending a post costs nothing until the rest fall below 1.
    """
    for name, side in scenario.sides.items():
        total = sum(post.consular_share for post in side.posts)
        if side.consular_rate <= 0 or side.consular_staff_max <= 0:
            continue
        if abs(total - 1) <= SHARE_TOLERANCE:
            continue
        effect = ("the mission never issues more than that share of what its consular staff "
                  "could" if total < 1 else "closing or suspending a post cuts no output "
                  "until the shares left fall below 1")
        yield (("sides", name, "posts"),
               f"the posts' consular_share adds up to {total:g}: {effect} (usual: shares "
               "adding up to 1, the whole of the mission's visa work)")


@dataclass(frozen=True)
class Rule:
    """A warning rule: the check, and what it warns of as the reference lists it."""

    check: Callable[[Scenario], Iterator[Finding]]
    at: str
    when: str


#: Every rule, in the order they are checked (the warnings are then sorted by line).
RULES: list[Rule] = [
    Rule(oversized_expulsions, "`expel`: `count`",
         "more people expelled than the target's mission (or named post other than the "
         "embassy) has expatriate positions at the start"),
    Rule(self_restrictions, "a move's `target`",
         "a side restricts its own mission (`target` is the actor), other than closing one "
         "of its own posts"),
    Rule(ceilings_against_order, "`staff_cap`: `ceiling`",
         "the target's `reduction_order`, applied to its mission as at the start, meets the "
         "ceiling only by sending home every expatriate (locals only), or cannot meet it "
         "for its `keep` floors"),
    Rule(floors_above_positions, "`reduction_order[].keep`",
         "a floor above the positions of its kind at the start: the step never cuts anyone"),
    Rule(late_replacements, "`visa_lead_days`, `tour_years.low`",
         "a replacement cannot arrive before its predecessor leaves: the lead (or the "
         "shortest tour) is shorter than the host's `processing_days` (at least 1) plus "
         "`travel_days`"),
    Rule(visas_never_granted, "`host_visa_policy`",
         "`approval_rate` 0 or `quota` 0, and no `visa_policy` move grants the mission "
         "visas"),
    Rule(consular_shares, "`sides.<id>.posts`",
         "a mission with consular work whose posts' `consular_share` do not add up to 1"),
    Rule(long_run, "`end`",
         f"a run estimated above {WARN_EVENTS:,} events (about "
         f"{duration(WARN_EVENTS * SECONDS_PER_EVENT)})"),
    Rule(large_output, "`sample_days`",
         f"a run writing more than {WARN_ROWS:,} rows of `timeseries.csv` "
         f"({ROWS_PER_SAMPLE} a sample: about {megabytes(WARN_ROWS * MEMORY_PER_ROW)} of "
         "memory to write and draw)"),
]
