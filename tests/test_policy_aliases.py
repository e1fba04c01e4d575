"""Policies go by the names people write: aliases and a name alone resolve to one registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.policies import ALIASES, BY_NAME, policy_name
from sim.reference import scenario_format
from sim.scenario import load_scenario

SMALL = (Path(__file__).parent / "data" / "small.yaml").read_text()


def with_policy(tmp_path: Path, policy: str) -> Path:
    """The small scenario with side B's ``policy:`` written as given."""
    text = SMALL.replace("      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}",
                         "      - {id: capital, name: Embassy, kind: embassy, expat: 30, local: 5}"
                         f"\n    policy: {policy}")
    assert text != SMALL
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_each_alias_loads_as_its_policy(tmp_path, alias):
    """An alias in a policy mapping loads as the policy it stands for, parameters kept."""
    scenario = load_scenario(with_policy(tmp_path, f"{{policy: {alias}, lag_days: 12}}"))
    policy = scenario.sides["B"].policy
    assert (type(policy), policy.policy, policy.lag_days) == (BY_NAME[ALIASES[alias]],
                                                             ALIASES[alias], 12)


def test_a_name_alone_is_the_policy_with_its_defaults(tmp_path):
    """`policy: tit-for-tat` is `{policy: mirror}`: mirror with every default."""
    scenario = load_scenario(with_policy(tmp_path, "tit-for-tat"))
    assert scenario.sides["B"].policy == BY_NAME["mirror"]()


def test_case_and_separators_do_not_matter():
    """Tit_For_Tat, `tit for tat` and ` GRIT ` name mirror and grit."""
    assert [policy_name(n) for n in ("Tit_For_Tat", "tit for tat", " GRIT ", "Mirror")] == [
        "mirror", "mirror", "grit", "mirror"]


def test_every_alias_names_a_registered_policy_and_no_registered_name():
    """Aliases point at policies of the registry and never shadow a registered name."""
    assert set(ALIASES.values()) <= set(BY_NAME)
    assert not set(ALIASES) & set(BY_NAME)


def test_an_unknown_name_is_still_refused(tmp_path):
    """A name that is no policy and no alias gets the unknown-policy message, with the
    alias it is close to suggested.
    """
    path = with_policy(tmp_path, "{policy: tit-for-tatt}")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems == [
        f"{path}:17: sides.B.policy.policy: unknown policy 'tit-for-tatt' (allowed: scripted, "
        "mirror, proportional, generous, gradual, escalate, grit, package; did you mean "
        "'tit-for-tat'?)"]


def test_the_reference_lists_the_aliases():
    """Each policy's section lists its aliases, so `tit-for-tat` can be found by name."""
    text = scenario_format()
    section = text[text.index("### `mirror`"):text.index("### `proportional`")]
    assert "Also written: `tit-for-tat`, `titfortat`, `tft`, `strict-reciprocity`, " \
           "`mirror-response`." in section
