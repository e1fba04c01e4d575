"""libyaml reads scenario files as the pure-Python loader does, only faster."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import yamlsource
from sim.scenario.yamlsource import _Builder, _Loader

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(ROOT.glob("scenarios/*.yaml")) + sorted(ROOT.glob("docs/examples/*.yaml"))
needs_libyaml = pytest.mark.skipif(yamlsource._FastLoader is None,
                                   reason="PyYAML was built without libyaml")


def _read(loader_class: type, text: str) -> tuple[object, dict]:
    loader = loader_class(text)
    builder = _Builder(loader, "f.yaml")
    return builder.build(loader.get_single_node()), builder.lines


@needs_libyaml
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_data_and_lines_from_both_loaders(path):
    text = path.read_text(encoding="utf-8")
    assert _read(yamlsource._FastLoader, text) == _read(_Loader, text)


@needs_libyaml
def test_a_syntax_error_is_worded_as_before():
    """A file libyaml refuses is read again by the pure-Python loader, for its message."""
    with pytest.raises(yamlsource.ScenarioError) as caught:
        yamlsource.load_text("name: x\nsides: [a, b\n", "f.yaml")
    assert str(caught.value).startswith("f.yaml:3: invalid YAML: expected ',' or ']'")
