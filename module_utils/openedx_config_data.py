# -*- coding: utf-8 -*-
# Copyright: contributors to the Open edX Ansible toolkit
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plain-data side of config file editing, shared by the file layer
(``openedx_config_file``) and the YAML text editor (``openedx_yaml_text``).

Why a module of its own: the YAML editor's refusals (an anchor the edit
would reach, a flow mapping, an unusual layout) are messages for the user,
so it raises the same ``ConfigFileError`` as the file layer, and it names
keys (``join_key``) and checks its rendering (``strict_equal``,
``value_kind``) exactly as the file layer does. The file layer imports the
editor, so the editor cannot import the file layer; both import this
instead (no import cycle, and one place for each of these decisions).
The JSON editor (``openedx_json_text``) needs none of it: its one error,
``JsonTextError``, makes the file layer re-serialise the file instead.

- ``ConfigFileError``: the error that reaches the user.
- ``parse_dotted_key`` / ``join_key``: ``FEATURES.CERTIFICATES_HTML_VIEW``
  <-> components (``\\.`` is a literal dot inside a component).
- ``value_kind`` / ``type_name``: the kind of a value as a config file
  holds it (``bool`` is not ``int``), and its name in messages.
- ``strict_equal``: value comparison that tells ``true`` from ``1``,
  ``1`` from ``1.0`` and ``"true"`` from ``true``.

Standard library only; no message raised from here contains a config VALUE.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math


class ConfigFileError(Exception):
    """A problem with the config file or the request; the message names the
    file and the key but never shows a value."""


def parse_dotted_key(key):
    """Split ``A.B.C`` into components; ``\\.`` keeps a literal dot."""
    if not isinstance(key, str) or not key:
        raise ConfigFileError("empty key: keys are dotted names such as FEATURES.CERTIFICATES_HTML_VIEW")
    parts = []
    current = []
    i = 0
    while i < len(key):
        char = key[i]
        if char == "\\" and i + 1 < len(key) and key[i + 1] in ".\\":
            current.append(key[i + 1])
            i += 2
            continue
        if char == ".":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    if any(p == "" for p in parts):
        raise ConfigFileError("invalid key %r: empty component (leading, trailing or doubled dot)" % key)
    return parts


def join_key(parts):
    return ".".join(p.replace("\\", "\\\\").replace(".", "\\.") for p in parts)


def value_kind(value):
    """The kind of ``value`` as a config file holds it: null, bool, int, float, str, dict, list (or the
    Python type name of anything else); a bool is not an int here."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def type_name(value):
    kind = value_kind(value)
    return {"null": "null", "bool": "a boolean", "int": "an integer", "float": "a float",
            "str": "a string", "dict": "a mapping", "list": "a list"}.get(kind, "a " + kind)


def strict_equal(a, b):
    """Deep equality where the TYPE matters: True != 1, 1 != 1.0, "1" != 1.

    Python's ``==`` says ``True == 1 == 1.0``; for a config file these are
    different values (the platform reads them back with their YAML/JSON
    type), so setting ``1.0`` where the file has ``1`` is a change.
    """
    ka, kb = value_kind(a), value_kind(b)
    if ka != kb:
        return False
    if ka == "dict":
        if len(a) != len(b):
            return False
        for key, value in a.items():
            if key not in b or not strict_equal(value, b[key]):
                return False
        return True
    if ka == "list":
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    if ka == "float" and math.isnan(a) and math.isnan(b):
        return True
    return a == b
