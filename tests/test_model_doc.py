"""docs/model.md stays true to the code: the model described by ODD and STRESS-DES.

Every ODD element and design concept has its heading and an answer; every STRESS-DES
item has its row and an answer; every name the page writes as code that could be a
metric, a move, a policy or a scenario key is one the code has, and every metric, move
and policy of the code is named; the catalogue table gives each move's irritant and
severity as the move's class does; its links lead somewhere.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel

import sim
from sim.ensembles import ENSEMBLE_HEADER
from sim.metrics import JOINT_METRICS, SIDE_METRICS
from sim.moves import BY_NAME as MOVES
from sim.moves import Move
from sim.output import EVENTS_HEADER, MEASURES_HEADER, TIMESERIES_HEADER
from sim.paired import PAIRED_HEADER
from sim.policies import ALIASES, Policy
from sim.policies import BY_NAME as POLICIES
from sim.reference import SECTIONS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RECORD = ROOT / "scenarios" / "record-2016-2025.yaml"
PAGE = DOCS / "model.md"
TEXT = PAGE.read_text(encoding="utf-8")

#: The ODD protocol's elements, in its order (Grimm et al. 2020).
ODD_ELEMENTS = ["Purpose and patterns", "Entities, state variables and scales",
                "Process overview and scheduling", "Design concepts", "Initialisation",
                "Input data", "Submodels"]
DESIGN_CONCEPTS = ["Basic principles", "Emergence", "Adaptation", "Objectives", "Learning",
                   "Prediction", "Sensing", "Interaction", "Stochasticity", "Collectives",
                   "Observation"]
#: The STRESS-DES items (Monks et al. 2019), by id, with their names.
STRESS_DES = {
    "1.1": "Purpose of the model", "1.2": "Model outputs", "1.3": "Experimentation aims",
    "2.1": "Base model overview diagram", "2.2": "Base model logic", "2.3": "Scenario logic",
    "2.4": "Algorithms", "2.5.1": "Components: entities", "2.5.2": "Components: activities",
    "2.5.3": "Components: resources", "2.5.4": "Components: queues",
    "2.5.5": "Components: entry/exit points", "3.1": "Data sources", "3.2": "Pre-processing",
    "3.3": "Input parameters", "3.4": "Assumptions", "4.1": "Initialisation",
    "4.2": "Run length", "4.3": "Estimation approach",
    "5.1": "Software or programming language", "5.2": "Random sampling",
    "5.3": "Model execution", "5.4": "System specification",
    "6.1": "Computer model sharing statement",
}

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
HEADING = re.compile(r"^(#{1,6}) +(.+?) *$", re.M)
CODE = re.compile(r"`([^`\n]+)`")
#: A name as metrics, moves, policies and scenario keys are written.
NAME = re.compile(r"[a-z][a-z0-9_]*")
STRESS_ROW = re.compile(r"^\| \*\*(\d+(?:\.\d+)+)\*\* ([^|]+?) \| (.*) \|$", re.M)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def prose(text: str) -> str:
    """The page without its fenced blocks (diagrams, examples)."""
    return FENCE.sub("", text)


def sections(text: str) -> dict[str, str]:
    """Each heading's title (without its ODD number) and the text up to the next heading."""
    text = prose(text)
    found = list(HEADING.finditer(text))
    ends = [m.start() for m in found[1:]] + [len(text)]
    return {re.sub(r"^\d+\. ", "", m.group(2)): text[m.end():end].strip()
            for m, end in zip(found, ends, strict=True)}


def stress_rows(text: str) -> dict[str, tuple[str, str]]:
    """The checklist's rows: item id -> (item name, answer)."""
    return {m.group(1): (m.group(2), m.group(3)) for m in STRESS_ROW.finditer(prose(text))}


def code_names(text: str) -> set[str]:
    """The names the page writes as code that could be a metric, move, policy or key."""
    return {span for span in CODE.findall(prose(text)) if NAME.fullmatch(span)}


def _words_of(annotation: Any, models: list[type[BaseModel]], words: set[str]) -> None:
    """The literal values an annotation allows, and the models it holds (to visit)."""
    if get_origin(annotation) is Literal:
        words.update(str(value) for value in get_args(annotation))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        models.append(annotation)
    for arg in get_args(annotation):
        _words_of(arg, models, words)


def scenario_words() -> set[str]:
    """Every key a scenario file can hold, and every value a key takes from a fixed list
    (post kinds, irritants...): read off the models the reference documents.
    """
    models: list[type[BaseModel]] = [model for _, model, _ in SECTIONS]
    models += [*MOVES.values(), *POLICIES.values(), Move, Policy]
    words: set[str] = set()
    seen: set[type[BaseModel]] = set()
    while models:
        model = models.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            words.update(w for w in (name, field.alias) if w)
            _words_of(field.annotation, models, words)
    return words


def known_names() -> set[str]:
    """Names the code has: metrics, moves, policies and their aliases, scenario keys and
    values, and the columns of the output files.
    """
    columns = {*TIMESERIES_HEADER, *EVENTS_HEADER, *MEASURES_HEADER, *ENSEMBLE_HEADER,
               *PAIRED_HEADER, "both"}
    return {*SIDE_METRICS, *JOINT_METRICS, *MOVES, *POLICIES, *ALIASES, *scenario_words(),
            *columns}


KNOWN = known_names()


def unknown(text: str) -> set[str]:
    """Names written as code that the code does not have."""
    return code_names(text) - KNOWN


@pytest.mark.parametrize("element", ODD_ELEMENTS + DESIGN_CONCEPTS)
def test_odd_element_is_answered(element: str):
    """Each ODD element and design concept has a heading with an answer under it."""
    found = sections(TEXT)
    assert element in found, f"docs/model.md has no heading '{element}'"
    assert len(found[element].split()) >= 10, f"'{element}' has no answer"


def test_odd_elements_are_numbered_in_order():
    """The seven elements come in the protocol's order, numbered 1 to 7."""
    titles = [m.group(2) for m in HEADING.finditer(prose(TEXT)) if m.group(1) == "##"]
    numbered = [t for t in titles if re.match(r"\d+\. ", t)]
    assert numbered == [f"{i}. {e}" for i, e in enumerate(ODD_ELEMENTS, start=1)]


def test_stress_des_items_are_all_there_in_order():
    """The checklist has every STRESS-DES item, in order, each under its own name."""
    rows = stress_rows(TEXT)
    assert list(rows) == list(STRESS_DES)
    assert {item: name for item, (name, _) in rows.items()} == STRESS_DES


@pytest.mark.parametrize("item", list(STRESS_DES))
def test_stress_des_item_is_answered(item: str):
    """Each item has an answer, not a blank or a placeholder."""
    answer = stress_rows(TEXT).get(item, ("", ""))[1]
    assert len(answer.split()) >= 10, f"STRESS-DES {item} has no answer"


def test_code_names_exist():
    """Every metric, move, policy or key the page names is one the code has."""
    assert not unknown(TEXT), (
        f"docs/model.md names what the code does not have: {sorted(unknown(TEXT))} "
        "(a metric from sim/metrics.py, a move from sim.moves.BY_NAME, a policy from "
        "sim.policies.BY_NAME, or a scenario key)")


@pytest.mark.parametrize("typo", [("`staff_total`", "`staff_totl`"), ("`expel`", "`expell`"),
                                  ("`mirror`", "`mirorr`")], ids=["metric", "move", "policy"])
def test_a_misspelt_name_is_caught(typo: tuple[str, str]):
    """The check above fails on a misspelt metric, move or policy."""
    right, wrong = typo
    assert right in TEXT
    assert unknown(TEXT.replace(right, wrong, 1)) == {wrong.strip("`")}


@pytest.mark.parametrize("registry", ["metrics", "moves", "policies"])
def test_every_registered_name_is_described(registry: str):
    """Every metric, every move and every policy of the code is named on the page."""
    names = {"metrics": [*SIDE_METRICS, *JOINT_METRICS], "moves": list(MOVES),
             "policies": list(POLICIES)}[registry]
    missing = [n for n in names if n not in code_names(TEXT)]
    assert not missing, f"docs/model.md does not name these {registry}: {missing}"


def test_move_table_matches_the_catalogue():
    """The submodels' table gives each move the irritant and severity its class has (a
    severity for the restrictions only: only they count in `restrictions_weighted`).
    """
    rows = re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|$", TEXT, re.M)
    table = {name: (irritant.strip(), severity.strip()) for name, irritant, severity in rows
             if name in MOVES}
    expected = {name: (f"`{cls.settled_under}`" if cls.settled_under else "—",
                       f"{cls.severity:g}" if cls.is_instrument() else "—")
                for name, cls in MOVES.items()}
    assert table == expected


def anchors(page: Path) -> set[str]:
    """The anchors GitHub makes for a page's headings, and its explicit ``<a id>``s."""
    text = page.read_text(encoding="utf-8")
    slugs = {re.sub(r"[^\w\- ]", "", title.replace("`", "").lower()).replace(" ", "-")
             for _, title in HEADING.findall(prose(text))}
    return slugs | set(re.findall(r'<a id="([^"]+)">', text))


@pytest.mark.parametrize("page", [PAGE, DOCS / "scenarios.md"], ids=lambda p: p.name)
def test_links_lead_somewhere(page: Path):
    """Every relative link is to a file that exists, and to a heading it has."""
    for target in LINK.findall(prose(page.read_text(encoding="utf-8"))):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        assert resolved.exists(), f"{page.name}: {target}: no such file"
        if anchor and resolved.suffix == ".md":
            assert anchor in anchors(resolved), f"{page.name}: {target}: no such heading"


def test_replay_numbers_quoted_are_the_replays():
    """The numbers the page quotes from the record replay (its horizon, its size, the
    start's transient) are what a run of it gives now.
    """
    run = sim.run(sim.load(RECORD))
    model, ts = run.simulation, run.timeseries
    scenario = model.scenario

    def series(side: str, metric: str) -> list[int]:
        return [int(v) for v in ts[(ts.side == side) & (ts.metric == metric)].value]

    us_expats = series("US", "staff_expat")
    quoted = [
        f"{len(scenario.moves)} dated moves",
        f"{scenario.day(scenario.end):,} days",
        f"{model.monitor.taken} weekly samples",
        f"{model.events_processed:,} events",
        f"US {series('US', 'staff_total')[0]:,}, of whom {us_expats[0]} expatriates",
        f"Russia {series('RU', 'staff_total')[0]:,}, {series('RU', 'staff_expat')[0]} "
        "expatriates",
        f"so {series('US', 'visa_queue')[0]} US replacements wait",
        f"from {us_expats[0]} to {min(us_expats[:20])} (January 2017)",
    ]
    text = " ".join(TEXT.split())
    assert [q for q in quoted if q not in text] == []


def test_code_constants_quoted_are_the_codes():
    """The constants the page quotes are those of the modules it names."""
    from sim.ensembles import HEADLINES, run_ensemble
    from sim.policies import Escalate
    from sim.policies.driver import MIN_LAG_DAYS
    from sim.policies.instruments import OVERSHOOT
    from sim.quantiles import Quantiles
    from sim.streams import BLOCK

    most = inspect.signature(run_ensemble).parameters["max_replications"].default
    exact = inspect.signature(Quantiles).parameters["exact"].default
    quoted = [
        f"`OVERSHOOT` = {OVERSHOOT:g}",
        f"every {Escalate.check_days:g} days, a chance of a hostile move",
        f"blocks of {BLOCK}",
        f"within {HEADLINES['staff_total']:g} person, {HEADLINES['consular_output']:g} "
        f"visas or {HEADLINES['work_capacity']:g} diplomat-days a month",
        f"`--max-replications` ({most:,})",
        f"exact up to {exact} replications",
    ]
    text = " ".join(TEXT.split())
    assert [q for q in quoted if q not in text] == []
    assert MIN_LAG_DAYS == 1 and "a day later at the soonest" in text
