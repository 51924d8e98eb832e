# -*- coding: utf-8 -*-
# Copyright: contributors to the Open edX Ansible toolkit
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Editing of a JSON document as TEXT (lms.env.json, cms.auth.json, ...).

Why not ``json.loads`` + ``json.dumps``: a file whose spacing or number
format is not what ``json.dumps`` writes (``"A" : 1.50``, a compact object
inside an indented file, a hand-aligned block) would come back re-formatted
as a whole, and the diff of a one-flag change would cover the whole file.
Here only the text of the changed member is touched; every other byte stays.

``JsonTextEditor`` parses the text into spans (offsets of every key and
value), then edits the text at those spans:

- set an existing key: the value's text is replaced;
- add a key to an existing object: the member goes after the last one (or
  at its sorted place when the caller asks for sorted keys), with the comma,
  line break and indentation that separate the members already there, and
  the key/colon spacing of its siblings;
- add a key under missing parents: one new member holding the nested
  objects, laid out like the rest of the file;
- remove a key: the member and one comma go; removing the last member
  leaves ``{}``;
- new container values are written as ``json.dumps`` would write them with
  the file's indentation step (multi-line where the file is multi-line,
  inline inside objects that are written on one line).

The caller parses the result again and compares it with the intended data.
Nothing here puts a config VALUE in an exception message: only key names
and offsets. Self-contained (standard library only) so that it can be used
without the rest of the config-file code.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

_WS = " \t\n\r"
_LITERAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null|NaN|-?Infinity")


class JsonTextError(Exception):
    """The text has a layout the in-place editor does not handle (the
    caller then re-serialises the whole file, and says so)."""


class _Node(object):
    __slots__ = ("kind", "start", "end", "members", "items", "parent")

    def __init__(self, kind, start, parent):
        self.kind = kind  # "object", "array" or "scalar"
        self.start = start
        self.end = start
        self.members = []  # objects: [_Member]
        self.items = []  # arrays: [_Node]
        self.parent = parent

    def children(self):
        return [m.value for m in self.members] if self.kind == "object" else list(self.items)


class _Member(object):
    __slots__ = ("key", "key_start", "key_end", "value")

    def __init__(self, key, key_start, key_end, value):
        self.key = key
        self.key_start = key_start
        self.key_end = key_end
        self.value = value


class _Parser(object):
    def __init__(self, text):
        self.text = text

    def _skip(self, pos):
        while pos < len(self.text) and self.text[pos] in _WS:
            pos += 1
        return pos

    def _fail(self, what, pos):
        line = self.text.count("\n", 0, pos) + 1
        return JsonTextError("%s at line %d" % (what, line))

    def _string(self, pos):
        # pos at the opening quote; returns (decoded, end after the closing quote)
        i = pos + 1
        text = self.text
        while True:
            j = text.find('"', i)
            if j < 0:
                raise self._fail("unterminated string", pos)
            backslashes = 0
            k = j - 1
            while k > pos and text[k] == "\\":
                backslashes += 1
                k -= 1
            if backslashes % 2 == 0:
                break
            i = j + 1
        try:
            return json.loads(text[pos:j + 1]), j + 1
        except ValueError:
            raise self._fail("invalid string", pos)

    def parse(self):
        pos = self._skip(0)
        root, pos = self._value(pos, None)
        if self._skip(pos) != len(self.text):
            raise self._fail("extra data", pos)
        return root

    def _value(self, pos, parent):
        text = self.text
        if pos >= len(text):
            raise self._fail("unexpected end", pos)
        char = text[pos]
        if char == "{":
            return self._object(pos, parent)
        if char == "[":
            return self._array(pos, parent)
        node = _Node("scalar", pos, parent)
        if char == '"':
            node.end = self._string(pos)[1]
            return node, node.end
        match = _LITERAL.match(text, pos)
        if not match:
            raise self._fail("unexpected character", pos)
        node.end = match.end()
        return node, node.end

    def _object(self, pos, parent):
        node = _Node("object", pos, parent)
        pos = self._skip(pos + 1)
        if self.text.startswith("}", pos):
            node.end = pos + 1
            return node, node.end
        while True:
            if not self.text.startswith('"', pos):
                raise self._fail("expected a key", pos)
            key, key_end = self._string(pos)
            colon = self._skip(key_end)
            if not self.text.startswith(":", colon):
                raise self._fail("expected ':'", colon)
            value, end = self._value(self._skip(colon + 1), node)
            node.members.append(_Member(key, pos, key_end, value))
            pos = self._skip(end)
            if self.text.startswith(",", pos):
                pos = self._skip(pos + 1)
                continue
            if self.text.startswith("}", pos):
                node.end = pos + 1
                return node, node.end
            raise self._fail("expected ',' or '}'", pos)

    def _array(self, pos, parent):
        node = _Node("array", pos, parent)
        pos = self._skip(pos + 1)
        if self.text.startswith("]", pos):
            node.end = pos + 1
            return node, node.end
        while True:
            value, end = self._value(pos, node)
            node.items.append(value)
            pos = self._skip(end)
            if self.text.startswith(",", pos):
                pos = self._skip(pos + 1)
                continue
            if self.text.startswith("]", pos):
                node.end = pos + 1
                return node, node.end
            raise self._fail("expected ',' or ']'", pos)


def parse_spans(text):
    """The span tree of ``text`` (raises JsonTextError on what it cannot read)."""
    return _Parser(text).parse()


class JsonTextEditor(object):
    """Set and remove members of a JSON document given as text.

    ``sort_keys``: new members go to their sorted place and new objects are
    written with sorted keys (for files whose objects are all sorted).
    New strings are written as the file writes them: escaped unless the
    file holds raw non-ASCII characters.
    """

    def __init__(self, text, sort_keys=False):
        self.text = text
        self.sort_keys = sort_keys
        self.ensure_ascii = not re.search(r"[^\x00-\x7f]", text)
        self._detect_style(parse_spans(text))

    # --- style of the file ----------------------------------------------
    def _line_start(self, index):
        return self.text.rfind("\n", 0, index) + 1

    def _line_indent(self, index):
        start = self._line_start(index)
        line = self.text[start:index]
        return line[:len(line) - len(line.lstrip(" \t"))]

    def _starts_line(self, index):
        return not self.text[self._line_start(index):index].strip()

    def _multiline(self, node):
        """Is this container laid out one child per line (its first child on
        a later line than its opening bracket)?"""
        children = node.children()
        if not children:
            return False
        first = node.members[0].key_start if node.kind == "object" else children[0].start
        return "\n" in self.text[node.start:first]

    def _detect_style(self, root):
        # The most common form of each separator wins: one hand-aligned
        # member should not set the style of every new one.
        key_seps, inline_seps, line_commas = {}, {}, {}
        self.unit = None  # indentation step of multi-line containers (a string)
        stack = [root]
        while stack:
            node = stack.pop()
            if node.kind == "scalar":
                continue
            children = node.children()
            for member in node.members:
                sep = self.text[member.key_end:member.value.start]
                if "\n" not in sep:
                    key_seps[sep] = key_seps.get(sep, 0) + 1
            multiline = self._multiline(node)
            if multiline and self.unit is None:
                first = self._child_start(node, 0)
                inner, outer = self._line_indent(first), self._line_indent(node.start)
                if self._starts_line(first) and inner.startswith(outer) and inner != outer:
                    self.unit = inner[len(outer):]
            for index in range(1, len(children)):
                between = self.text[children[index - 1].end:self._child_start(node, index)]
                if between.strip() != ",":
                    continue
                if "\n" in between:
                    comma = between[:between.index("\n")]
                    line_commas[comma] = line_commas.get(comma, 0) + 1
                elif not multiline:
                    sep = between[between.index(","):]
                    inline_seps[sep] = inline_seps.get(sep, 0) + 1
            stack.extend(children)

        def most_common(counts, default):
            # ties go to the default (what json.dumps writes), then to the first in sort order
            if not counts:
                return default
            best = max(counts.values())
            if counts.get(default) == best:
                return default
            return sorted(k for k in counts if counts[k] == best)[0]

        self.key_sep = most_common(key_seps, ": ")
        self.inline_sep = most_common(inline_seps, ", " if self.key_sep.endswith(" ") else ",")
        self.line_comma = most_common(line_commas, ",")

    def _child_start(self, node, index):
        return node.members[index].key_start if node.kind == "object" else node.items[index].start

    # --- rendering ------------------------------------------------------
    def _dumps(self, value, multiline, line_indent, key_sep):
        if multiline and self.unit is not None and isinstance(value, (dict, list)) and value:
            text = json.dumps(value, indent=self.unit, separators=(self.line_comma, key_sep),
                              ensure_ascii=self.ensure_ascii, sort_keys=self.sort_keys)
            # json.dumps escapes newlines inside strings, so every "\n" here is a line break
            return text.replace("\n", "\n" + line_indent)
        return json.dumps(value, separators=(self.inline_sep, key_sep), ensure_ascii=self.ensure_ascii,
                          sort_keys=self.sort_keys)

    def _key(self, key):
        return json.dumps(key, ensure_ascii=self.ensure_ascii)

    # --- operations -------------------------------------------------------
    @staticmethod
    def _find(obj, key):
        found = None
        for index, member in enumerate(obj.members):
            if member.key == key:
                found = index  # json.loads keeps the last of duplicate keys
        return found

    def set(self, parts, value):
        node = parse_spans(self.text)
        if node.kind != "object":
            raise JsonTextError("the top level is not an object")
        for i, part in enumerate(parts):
            index = self._find(node, part)
            if index is None:
                for name in reversed(parts[i + 1:]):
                    value = {name: value}
                self._add(node, part, value)
                return
            member = node.members[index]
            if i == len(parts) - 1:
                self._replace(node, member, value)
                return
            if member.value.kind != "object":
                raise JsonTextError("%s is not an object" % ".".join(parts[:i + 1]))
            node = member.value

    def remove(self, parts):
        # Duplicate keys: json.loads keeps the last, so every copy must go or
        # an earlier one would come back.
        while True:
            node = parse_spans(self.text)
            for part in parts[:-1]:
                index = self._find(node, part) if node.kind == "object" else None
                if index is None:
                    return
                node = node.members[index].value
            index = self._find(node, parts[-1]) if node.kind == "object" else None
            if index is None:
                return
            self._remove_member(node, index)

    # --- primitives -------------------------------------------------------
    def _splice(self, start, end, new):
        self.text = self.text[:start] + new + self.text[end:]

    def _replace(self, obj, member, value):
        old = member.value
        spans_lines = "\n" in self.text[old.start:old.end]
        # A container written on one line stays on one line; a scalar or a
        # multi-line container becomes what json.dumps writes in this file.
        multiline = (self._multiline(obj) and self._starts_line(member.key_start)
                     and (old.kind == "scalar" or spans_lines or not old.children()))
        rendered = self._dumps(value, multiline, self._line_indent(member.key_start), self.key_sep)
        self._splice(old.start, old.end, rendered)

    def _add(self, obj, key, value):
        members = obj.members
        # the file's most common key/colon spacing: the spacing of one
        # member may be alignment (``"ENABLE_X":      true``), not style
        key_sep = self.key_sep
        if not members:
            # "{}" (or "{ }"): written as json.dumps writes a one-member object here
            multiline = self.unit is not None and (obj.parent is None or self._multiline(obj.parent))
            if multiline:
                outer = self._line_indent(obj.start)
                inner = outer + self.unit
                rendered = self._dumps(value, True, inner, key_sep)
                new = "{\n%s%s%s%s\n%s}" % (inner, self._key(key), key_sep, rendered, outer)
            else:
                new = "{%s%s%s}" % (self._key(key), key_sep, self._dumps(value, False, "", key_sep))
            self._splice(obj.start, obj.end, new)
            return
        position = len(members)
        if self.sort_keys:
            for index, member in enumerate(members):
                if member.key > key:
                    position = index
                    break
        multiline = self._multiline(obj)
        if len(members) > 1:
            # the separator already used between two members of this object
            pair = min(max(position, 1), len(members) - 1)
            between = self.text[members[pair - 1].value.end:members[pair].key_start]
        elif multiline:
            between = self.line_comma + "\n" + self._line_indent(members[0].key_start)
        else:
            between = self.inline_sep
        if between.strip() != ",":
            raise JsonTextError("unexpected text between the members of an object")
        anchor = members[min(position, len(members) - 1)]
        line_indent = self._line_indent(anchor.key_start)
        rendered = self._key(key) + key_sep + self._dumps(
            value, multiline and self._starts_line(anchor.key_start), line_indent, key_sep)
        if position == len(members):
            end = members[-1].value.end
            self._splice(end, end, between + rendered)
        else:
            start = members[position].key_start
            self._splice(start, start, rendered + between)

    def _remove_member(self, obj, index):
        members = obj.members
        if len(members) == 1:
            self._splice(obj.start, obj.end, "{}")
        elif index < len(members) - 1:
            self._splice(members[index].key_start, members[index + 1].key_start, "")
        else:
            self._splice(members[index - 1].value.end, members[index].value.end, "")
