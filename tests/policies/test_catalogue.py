"""Checks over the whole registry of policies: selection, names, and the scenario file."""

from __future__ import annotations

import pytest

import sim.policies
from sim.errors import ScenarioError
from sim.policies import BY_NAME, POLICIES, Mirror, select_policies
from sim.scenario.loader import load_scenario

SCENARIO = """\
name: policy check
start: 2020-01-01
end: 2020-12-31
sides:
  A:
    name: A mission in B
    posts:
      - {id: emb, name: A Embassy, kind: embassy, expat: 10}
    policy: {policy: POLICY}
  B:
    name: B mission in A
    posts:
      - {id: bemb, name: B Embassy, kind: embassy, expat: 10}
"""


def test_select_stochastic():
    """``select_policies(stochastic=True)`` gives exactly the policies classified stochastic."""
    chosen = select_policies(stochastic=True)
    assert chosen == [p for p in POLICIES if p.classifier["stochastic"]]
    assert chosen and len(chosen) < len(POLICIES)
    assert select_policies(stochastic=False) == [p for p in POLICIES if p not in chosen]


def test_select_by_several_keys():
    """Every key given must match: deterministic policies that make offers."""
    chosen = select_policies(stochastic=False, negotiates=True)
    assert chosen == [p for p in POLICIES
                      if not p.classifier["stochastic"] and p.classifier["negotiates"]]
    assert select_policies() == POLICIES


def test_every_policy_registered_by_name():
    """Every policy is listed in ``BY_NAME`` under its own name, and exported."""
    names = [p.model_fields["policy"].default for p in POLICIES]
    assert len(set(names)) == len(names)
    assert {name: BY_NAME[name] for name in names} == BY_NAME
    for cls in POLICIES:
        assert getattr(sim.policies, cls.__name__) is cls
        assert cls.__name__ in sim.policies.__all__


def test_known_policy_loads(tmp_path):
    """A side's ``policy:`` in a scenario file becomes that policy."""
    path = tmp_path / "ok.yaml"
    path.write_text(SCENARIO.replace("POLICY", "mirror, lag_days: 5"))
    policy = load_scenario(path).sides["A"].policy
    assert isinstance(policy, Mirror) and policy.lag_days == 5


def _unknown_policy_error(tmp_path) -> tuple[str, int]:
    """The error for ``policy: nosuch`` and the line it is on."""
    text = SCENARIO.replace("POLICY", "nosuch")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "nosuch" in row)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return str(caught.value), line


def test_unknown_policy_rejected_with_line(tmp_path):
    """An unknown policy name is one problem, on one line, naming its line and ``policy``."""
    message, line = _unknown_policy_error(tmp_path)
    assert "\n" not in message
    assert f":{line}:" in message and "policy" in message


def test_unknown_policy_message_lists_policies(tmp_path):
    """The message for an unknown policy names the policies allowed, not the moves."""
    message, _ = _unknown_policy_error(tmp_path)
    assert "unknown policy 'nosuch'" in message
    assert all(name in message for name in BY_NAME)
    assert "expel" not in message


def test_bad_policy_key_path_has_no_tag(tmp_path):
    """A misspelt policy key is reported at ``sides.A.policy.<key>``, with a suggestion."""
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.replace("POLICY", "mirror, lag_dayz: 5"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert ":9: sides.A.policy.lag_dayz: unknown key 'lag_dayz'" in message
    assert "did you mean 'lag_days'" in message

