"""Levers: the policy options a scenario lets analysts and players switch.

A scenario declares levers with their options and default::

    levers:
      west_package:
        description: What the West imposes on Russia when the surge is confirmed
        options: [targeted, sectoral, secondary]
        default: secondary

and refers to one anywhere a value is written, as the string ``$west_package``::

    then: [{move: impose_sanctions, target: russia, package: $west_package}]

Loading substitutes the default; a batch substitutes each option in turn (``--lever``). The
substitution happens on the YAML data before validation, so every option is checked by the
same rules as the rest of the file.
"""

from __future__ import annotations

import re

REFERENCE = re.compile(r"^\$([a-z][a-z0-9_]*)$")


def substitute(document, values: dict, path=()) -> tuple[object, list[tuple[tuple, str]]]:
    """Replace ``$lever`` strings by ``values[lever]``; return the new data and problems."""
    problems: list[tuple[tuple, str]] = []

    def walk(node, where):
        if isinstance(node, dict):
            return {k: (v if (not where and k == "levers") else walk(v, (*where, k)))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*where, i)) for i, v in enumerate(node)]
        if isinstance(node, str):
            match = REFERENCE.match(node)
            if match:
                name = match.group(1)
                if name in values:
                    return values[name]
                known = ", ".join(sorted(values)) or "none declared"
                problems.append((where, f"unknown lever '${name}' (levers: {known})"))
        return node

    return walk(document, path), problems


def references(document) -> dict[str, list[tuple]]:
    """Where the document refers to each lever: ``{"west_package": [("actors", 3, ...)]}``.

    One pass, the ``levers`` section aside. The loader checks each other option of a lever by
    putting it at these paths (``put``) instead of substituting the whole document again.
    """
    found: dict[str, list[tuple]] = {}

    def walk(node, where):
        if isinstance(node, dict):
            for k, v in node.items():
                if where or k != "levers":
                    walk(v, (*where, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*where, i))
        elif isinstance(node, str):
            match = REFERENCE.match(node)
            if match:
                found.setdefault(match.group(1), []).append(where)

    walk(document, ())
    return found


def put(document, paths: list[tuple], value):
    """A copy of ``document`` with ``value`` at each of ``paths``, copying only the mappings
    and lists on the way to them (the rest is shared with ``document``)."""
    root = _shallow(document)
    copies: dict[tuple, object] = {(): root}
    for path in paths:
        node = root
        for depth, part in enumerate(path[:-1], start=1):
            prefix = path[:depth]
            child = copies.get(prefix)
            if child is None:
                child = copies[prefix] = _shallow(node[part])
                node[part] = child
            node = child
        node[path[-1]] = value
    return root


def _shallow(node):
    return dict(node) if isinstance(node, dict) else list(node)


def lever_values(document, chosen: dict | None = None) -> dict:
    """Defaults of the levers declared in the raw document, overridden by ``chosen``."""
    declared = document.get("levers") if isinstance(document, dict) else None
    values = {}
    if isinstance(declared, dict):
        for name, spec in declared.items():
            if isinstance(spec, dict) and "default" in spec:
                values[name] = spec["default"]
    values.update(chosen or {})
    return values
