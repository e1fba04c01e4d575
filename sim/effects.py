"""What moves do to a mission: expulsions, ceilings, closures, consular work.

The moves in ``sim.moves`` act through these (``Context.effects``); they change
positions and people, and return what lifting the move must give back, for the
move to keep in its measure's state.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.state import EMBASSY, UN_MISSION, Application, Expat, Mission, Post

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario
    from sim.staffing import Staffing
    from sim.streams import Streams


class Effects:
    """The effects of moves on the missions of a run, carried out through its staffing."""

    def __init__(self, scenario: Scenario, streams: Streams, staffing: Staffing):
        """Effects on the scenario's missions; people come and go through ``staffing``."""
        self.scenario, self.streams, self.staffing = scenario, streams, staffing

    # -- passed on to staffing: what moves need of it --------------------------

    def recruit(self, mission: Mission) -> None:
        """Seek visas for vacancies and hire locals, within any ceiling."""
        self.staffing.recruit(mission)

    def release_held(self, mission: Mission) -> None:
        """Decide again now the applications held for a quota."""
        self.staffing.release_held(mission)

    def reconsider_tours(self, mission: Mission) -> None:
        """Recompute everyone's leaving day after a tenure limit changes."""
        self.staffing.reconsider_tours(mission)

    def lay_off_locals(self, mission: Mission) -> None:
        """Every local employee goes (their positions stay, to be refilled if allowed), and
        their essential work falls to the diplomats until they are replaced.
        """
        mission.locals_missing += mission.staff_local
        for post in mission.posts.values():
            mission.change_locals(post, -post.local)

    # -- what moves do to staff -----------------------------------------------

    def expel(self, mission: Mission, count: int, post: str | None) -> dict[str, list[int]]:
        """Remove ``count`` expatriates chosen by the host; abolish their positions.

        Unless a post is named, they are drawn from all staff alike, so posts lose people
        in proportion to their staff, but never from a mission to an international
        organisation: its staff are accredited to the organisation, not to the host.
        """
        pool = [e for e in mission.expats.values()
                if e.post == post or (post is None
                                      and mission.posts[e.post].kind != UN_MISSION)]
        rng = self.streams("expulsions", mission.side)
        chosen = sorted(rng.generator.choice(len(pool), size=min(count, len(pool)), replace=False))
        abolished: dict[str, list[int]] = {}
        for i in chosen:
            expat = pool[i]
            self.staffing.remove_expat(mission, expat)
            self._abolish(mission.posts[expat.post], abolished, expats=1)
            for application in mission.replacements(expat.id):
                self.staffing.drop_application(mission, application)  # the position is gone
        return abolished

    @staticmethod
    def _abolish(post: Post, abolished: dict[str, list[int]], expats: int = 0,
                 locals_: int = 0) -> None:
        expats = min(expats, post.expat_positions)
        post.expat_positions -= expats
        post.local_positions -= locals_
        counts = abolished.setdefault(post.id, [0, 0])
        counts[0] += expats
        counts[1] += locals_

    def restore_positions(self, mission: Mission, abolished: dict[str, list[int]]) -> None:
        """Give back positions a measure abolished; expatriate ones of a closed post
        go to the embassy.
        """
        rebuild = self.scenario.sides[mission.side].planning.rebuild
        expats = sum(e for e, _ in abolished.values())
        locals_ = sum(n for _, n in abolished.values())
        for post_id, (expat_positions, local_positions) in abolished.items():
            post = mission.posts[post_id]
            home = post if post.open else self._relocation_post(mission, post) or post
            home.expat_positions += expat_positions
            post.local_positions += local_positions
        if not rebuild:  # the side stays the size it is: it plans no more than it holds
            _stay_at(mission, expats > 0, locals_ > 0)
        self.staffing.recruit(mission)

    def enforce_ceiling(self, mission: Mission, ceiling: int) -> dict[str, list[int]]:
        """Bring the mission down to ``ceiling`` in its own reduction order."""
        for application in sorted(mission.applications.values(), key=lambda a: -a.id):
            if mission.staff_total + mission.pipeline <= ceiling:
                break
            self.staffing.drop_application(mission, application)
        abolished: dict[str, list[int]] = {}
        for step in self.scenario.sides[mission.side].reduction_order:
            excess = mission.staff_total - ceiling
            if excess <= 0:
                break
            if step.staff == "local":
                self._cut_locals(mission, min(excess, mission.staff_local - step.keep), abolished)
            else:
                self._cut_expats(mission, min(excess, len(mission.expats) - step.keep), abolished)
        return abolished

    def _cut_locals(self, mission: Mission, n: int, abolished: dict[str, list[int]]) -> None:
        """Cut ``n`` local employees across posts in proportion to their numbers."""
        total = mission.staff_local
        if n <= 0 or total == 0:
            return
        posts = list(mission.posts.values())
        exact = [n * p.local / total for p in posts]
        cuts = [math.floor(x) for x in exact]
        by_remainder = sorted(range(len(posts)), key=lambda i: -(exact[i] - cuts[i]))
        for i in by_remainder[: n - sum(cuts)]:
            cuts[i] += 1
        for post, cut in zip(posts, cuts, strict=True):
            mission.change_locals(post, -cut)
            self._abolish(post, abolished, locals_=cut)

    def _cut_expats(self, mission: Mission, n: int, abolished: dict[str, list[int]]) -> None:
        """Send home the ``n`` expatriates closest to the end of their tours.

        A position is abolished only when nobody else holds it: someone leaving
        whose successor has already arrived frees no position.
        """
        for expat in sorted(mission.expats.values(), key=lambda e: (e.leave_at, e.id))[:max(n, 0)]:
            self.staffing.remove_expat(mission, expat)
            post = mission.posts[expat.post]
            if post.expat_vacancies > 0:
                self._abolish(post, abolished, expats=1)

    # -- what moves do to posts -----------------------------------------------

    @staticmethod
    def _relocation_post(mission: Mission, closing: Post) -> Post | None:
        """Where staff of a closing post go: the embassy, else another open post."""
        open_posts = [p for p in mission.posts.values() if p.open and p is not closing]
        embassies = [p for p in open_posts if p.kind == EMBASSY]
        return (embassies or open_posts or [None])[0]

    def _reassign(self, mission: Mission, expat: Expat, post: Post) -> None:
        """Move an expatriate to another post, under that post's tenure limits."""
        self.staffing.remove_expat(mission, expat)
        expat.post = post.id
        mission.expats[expat.id] = expat
        post.expats += 1
        mission.change_requested(post, int(expat.replacement_requested))
        self.staffing.update_leave(mission, expat)

    def close_post(self, mission: Mission, post_id: str) -> tuple[str | None, int]:
        """Close a post: locals laid off, expatriates and their positions moved
        (or, with nowhere to go, sent home). Returns where the positions went, and how many.
        """
        post = mission.posts[post_id]
        if not post.open:
            return None, 0
        home = self._relocation_post(mission, post)
        post.open = False
        mission.recount()
        mission.change_locals(post, -post.local)
        moved = (home.id if home else None, post.expat_positions)
        for expat in [e for e in mission.expats.values() if e.post == post_id]:
            if home is None:
                self.staffing.remove_expat(mission, expat)
            else:
                self._reassign(mission, expat, home)
        for application in [a for a in mission.applications.values() if a.post == post_id]:
            if home is None:
                self.staffing.drop_application(mission, application)
            else:
                application.post = home.id
                post.pipeline -= 1
                home.pipeline += 1
        if home is not None:
            home.expat_positions += post.expat_positions
            mission.awaiting.setdefault(home.id, []).extend(mission.awaiting.pop(post_id, []))
        post.expat_positions = 0
        return moved

    def reopen_post(self, mission: Mission, post_id: str, moved_to: str | None,
                    positions: int) -> None:
        """Reopen a post, taking back its positions and the staff moved with them."""
        post = mission.posts[post_id]
        post.open = True
        mission.recount()
        if moved_to is not None:
            home = mission.posts[moved_to]
            if not home.open:  # the embassy closed too: take them from where they went
                substitute = self._relocation_post(mission, post) or home
                self._owed_less(mission, home.id, min(positions, substitute.expat_positions))
                home = substitute
            positions = min(positions, home.expat_positions)
            home.expat_positions -= positions
            self._move_back(mission, home, post)
        post.expat_positions += positions
        self.staffing.recruit(mission)

    def _move_back(self, mission: Mission, home: Post, post: Post) -> None:
        """Move staff from ``home`` to a reopened ``post`` until ``home`` holds no more than
        its positions: first those staying on, then those leaving, with the replacement
        already sought for them.
        """
        excess = -home.expat_vacancies
        staff = sorted((e for e in mission.expats.values() if e.post == home.id),
                       key=lambda e: (e.replacement_requested, -e.id))
        for expat in staff:
            if excess <= 0:
                break
            paired = mission.replacements(expat.id)
            if expat.replacement_requested and not paired:
                continue  # moving them frees nothing
            self._reassign(mission, expat, post)
            for application in paired:
                self._move_application(application, home, post)
            excess -= 1
        unpaired = [a for a in mission.applications.values()
                    if a.post == home.id and self.staffing.predecessor(mission, a) is None]
        for application in unpaired[:max(0, excess)]:  # replacements for vacant positions
            self._move_application(application, home, post)

    @staticmethod
    def _move_application(application: Application, home: Post, post: Post) -> None:
        application.post = post.id
        home.pipeline -= 1
        post.pipeline += 1

    @staticmethod
    def _owed_less(mission: Mission, post_id: str, positions: int) -> None:
        """Positions a closed post's closure would give back, once taken by another
        reopening: so reopening that post later does not take them twice.
        """
        for measure in mission.in_force("close_post"):
            moved = measure.state
            if measure.move.post == post_id and moved.done:
                moved.positions = max(0, moved.positions - positions)

    def set_consular(self, mission: Mission) -> None:
        """Each post's visa work is suspended while any suspension in force covers it."""
        covered: set[str] = set()
        for measure in mission.in_force("suspend_consular"):
            covered |= measure.state.posts
        for post in mission.posts.values():
            post.consular_suspended = post.id in covered


def _stay_at(mission: Mission, expats: bool, locals_: bool) -> None:
    """Lower the mission's plan, for the kinds of staff given back, to what it holds: the
    people present (someone leaving is replaced) and those on their way who add a person.
    """
    if expats:
        _cap(mission, "planned_expat", len(mission.expats) + mission.unpaired_pipeline)
    if locals_:
        _cap(mission, "planned_local", mission.staff_local)


def _cap(mission: Mission, field: str, total: int) -> None:
    """Scale the posts' plans of one kind down so that they add up to at most ``total``."""
    posts = list(mission.posts.values())
    planned = sum(getattr(p, field) for p in posts)
    excess = planned - total
    for post in sorted(posts, key=lambda p: -getattr(p, field)):
        if excess <= 0:
            break
        cut = min(excess, getattr(post, field))
        setattr(post, field, getattr(post, field) - cut)
        excess -= cut
    mission.recount()
