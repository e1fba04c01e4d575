"""Walking parsed YAML by paths, for the tests that mutate scenario files."""

from __future__ import annotations

from typing import Any

import yaml


def paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path below ``node`` (not the root itself)."""
    items = (node.items() if isinstance(node, dict)
             else enumerate(node) if isinstance(node, list) else [])
    out = []
    for key, value in items:
        out += [(*path, key), *paths(value, (*path, key))]
    return out


def at(data: Any, path: tuple[Any, ...]) -> Any:
    """The value at ``path``."""
    for key in path:
        data = data[key]
    return data


def dump(data: Any) -> str:
    """YAML text of ``data``, keys in their order, on long lines."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
