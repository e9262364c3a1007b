"""Indented JSON text, byte for byte what ``json.dumps(value, indent=N, sort_keys=..., ensure_ascii=False)``
writes, several times faster: given an indent, the json module falls back to its pure-Python encoder
(a generator call per token), which was most of the time of ``list actions --format json`` and of
``graph.jsonld``. Strings go through the json module's own C string encoder.
"""

from __future__ import annotations

import json

_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses for strings
#: a string as JSON text, as ``json.dumps(text, ensure_ascii=False)`` writes it
encode_string = _str


def dumps(value, indent: int = 2, sort_keys: bool = False, prefix: str = "") -> str:
    """``json.dumps(value, indent=indent, sort_keys=sort_keys, ensure_ascii=False)``, with every line
    after the first also prefixed by ``prefix``."""
    return _encode(value, " " * indent, sort_keys, prefix)


def _key(k) -> str:
    if isinstance(k, str):
        return k
    if k is True:
        return "true"
    if k is False:
        return "false"
    if k is None:
        return "null"
    if isinstance(k, (int, float)):
        return json.dumps(k)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(k).__name__}")


def _encode(value, step: str, sort_keys: bool, indent: str) -> str:
    if isinstance(value, str):
        return _str(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = indent + step
        items = sorted(value.items()) if sort_keys else value.items()
        return "{\n" + ",\n".join(f"{inner}{_str(_key(k))}: {_encode(v, step, sort_keys, inner)}"
                                   for k, v in items) + "\n" + indent + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = indent + step
        return "[\n" + ",\n".join(inner + _encode(v, step, sort_keys, inner) for v in value) + "\n" + indent + "]"
    return json.dumps(value)  # numbers, booleans, null (and json's own TypeError for anything else)
