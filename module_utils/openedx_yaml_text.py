# -*- coding: utf-8 -*-
# Copyright: contributors to the Open edX Ansible toolkit
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Editing of a YAML document as TEXT (/edx/etc/lms.yml, studio.yml, ...).

Why not ``yaml.safe_load`` + ``yaml.safe_dump``: dumping drops every
comment, blank line and quoting choice and may reorder keys, so the diff of
a one-flag change would cover the whole file and the operators' notes in it
would be lost. Here only the text of the changed key is touched; every
other byte stays.

``YamlTextEditor`` composes the text (``yaml.compose``: the line, column and
offset of every key and value), then edits the text at those marks:

- set an existing key: the value's text is replaced in place (an inline
  comment after it stays, so does its quoting style when the new value
  reads back the same with it);
- add a key: a line ``key: value`` after the last child of its mapping, at
  the column of its siblings; missing parents are created as blocks
  indented by the file's own indentation step; ``KEY: {}`` becomes a block;
- remove a key: its line(s) go; removing the only child of a mapping
  leaves ``{}`` so that the parent stays a mapping;
- new values are written on one line (containers in flow style), quoted
  whenever the plain form would read back as another value or type.

Refused (a ``ConfigFileError`` that says why and where): adding to or
removing from a flow mapping (``{a: 1}``), editing through an alias, and
any edit that would also reach other keys through a YAML anchor (``&name``
/ ``*name`` / ``<<``). The caller parses the result again and compares its
fully expanded data with the intended data. Nothing here puts a config
VALUE in an exception message: only key names, line and column numbers.

PyYAML is imported here, guarded: ``HAS_YAML`` / ``YAML_IMPORT_ERROR`` (and
``yaml``, None without it) tell the file layer whether YAML can be edited
on this host. The error class and the key/value helpers come from
``openedx_config_data`` (why there: see that module).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

try:
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    HAS_YAML = True
    YAML_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the managed host
    yaml = None
    MappingNode = ScalarNode = SequenceNode = None
    HAS_YAML = False
    YAML_IMPORT_ERROR = exc

# Not from openedx_config_file, which imports this module: the refusals
# here are for the user, hence ConfigFileError, shared through
# openedx_config_data (see its docstring).
from ansible.module_utils.openedx_config_data import ConfigFileError, join_key, strict_equal, value_kind


def yaml_problem(exc):
    """What is wrong with the YAML and where (line, column), never the line itself."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or exc.__class__.__name__
    # Deliberately not exc.problem_mark.get_snippet(): it prints the line,
    # which may hold a password.
    if mark is not None:
        return "%s at line %d, column %d" % (problem, mark.line + 1, mark.column + 1)
    return str(problem)


# --------------------------------------------------------------------------
# rendering values (one line each)


_NEEDS_ESCAPE = re.compile("[^\x09\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_SIMPLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def yaml_double_quoted(text):
    out = []
    for char in text:
        if char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
        elif _NEEDS_ESCAPE.match(char):
            code = ord(char)
            if code < 0x100:
                out.append("\\x%02X" % code)
            elif code < 0x10000:
                out.append("\\u%04X" % code)
            else:
                out.append("\\U%08X" % code)
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _yaml_float(value):
    if math.isnan(value):
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = mantissa + ".0e" + exponent
    return text


def _reads_back(snippet, value, in_flow):
    doc = ("k: [%s]\n" if in_flow else "k: %s\n") % snippet
    try:
        loaded = yaml.safe_load(doc)
    except yaml.YAMLError:
        return False
    expected = {"k": [value] if in_flow else value}
    return strict_equal(loaded, expected)


def yaml_string(text, style=None, in_flow=False):
    """Render a string as a YAML scalar, keeping the old quoting style
    (``style``: None = plain, "'" or '"') when it reads back the same."""
    if style is None or style == "":
        if text and text == text.strip() and "\n" not in text and _reads_back(text, text, in_flow):
            return text
    elif style == "'":
        if "\n" not in text and not _NEEDS_ESCAPE.search(text):
            candidate = "'" + text.replace("'", "''") + "'"
            if _reads_back(candidate, text, in_flow):
                return candidate
    return yaml_double_quoted(text)


def yaml_inline(value, style=None, in_flow=False):
    """One-line YAML for a value; lists and dicts in flow style."""
    kind = value_kind(value)
    if kind == "null":
        return "null"
    if kind == "bool":
        return "true" if value else "false"
    if kind == "int":
        return str(int(value))
    if kind == "float":
        return _yaml_float(value)
    if kind == "str":
        return yaml_string(value, style, in_flow)
    if kind == "dict":
        items = ["%s: %s" % (yaml_string(str(k), None, True), yaml_inline(v, None, True)) for k, v in value.items()]
        return "{" + ", ".join(items) + "}"
    if kind == "list":
        return "[" + ", ".join(yaml_inline(v, None, True) for v in value) + "]"
    raise ConfigFileError("unsupported value type %s" % kind)


def yaml_key(text):
    if text == text.strip() and "\n" not in text and ":" not in text and "#" not in text:
        try:
            loaded = yaml.safe_load("%s: 0\n" % text)
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict) and list(loaded) == [text] and isinstance(list(loaded)[0], str):
            return text
    return yaml_double_quoted(text)


# --------------------------------------------------------------------------
# the editor


class YamlTextEditor(object):
    """Edit a YAML document as text, guided by the node marks of
    ``yaml.compose`` (line, column and offset of every key and value).

    - set an existing key: the value's text is replaced in place (an
      inline comment after it stays; a block value below the key is
      replaced by the one-line value, comments inside it go with it);
    - set a missing key: a line ``key: value`` is inserted after the last
      child of the parent mapping, at the column of its children; missing
      parent mappings are created as blocks indented by the file's own
      indentation step;
    - remove a key: its line(s) go; removing the only child of a mapping
      leaves ``{}`` so the parent stays a mapping.
    Flow mappings (``{a: 1}``) are not edited except for replacing the value
    of a key they hold; adding to or removing from them is refused.
    """

    def __init__(self, text, label):
        self.text = text
        self.label = label
        self._unit = None

    # --- anchors and aliases ----------------------------------------------
    # yaml.compose gives the anchored node itself for each alias (``*f``, and
    # ``<<: *f`` merges), so a node reached by more than one path is one that
    # aliases share: editing inside it changes every alias too.
    def _references(self, root):
        """{id(node): [(path, line)]}: every path by which a node is reached,
        in document order (the first is where its anchor is). A path is a
        tuple of key names (str) and list indexes (int); ``line`` is that of
        the last key on it."""
        refs = {}
        stack = [(root, (), 0)]
        while stack:
            node, path, line = stack.pop()
            seen = id(node) in refs
            refs.setdefault(id(node), []).append((path, line))
            if seen:
                continue
            children = []
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    name = key.value if isinstance(key, ScalarNode) else "?"
                    children.append((value, path + (name,), key.start_mark.line + 1))
            elif isinstance(node, SequenceNode):
                for index, item in enumerate(node.value):
                    children.append((item, path + (index,), line))
            stack.extend(reversed(children))
        return refs

    @staticmethod
    def _path_name(path):
        out = ""
        for part in path:
            if isinstance(part, int):
                out += "[%d]" % part
            else:
                out += ("." if out else "") + join_key([part])
        return out or "the top level"

    def _check_not_shared(self, root, trail, parts, verb, whole=None):
        """Refuse when a node on the edit path (``trail``: the nodes walked
        through) is also reached through an alias, or when the node about to
        be replaced or removed (``whole``) holds an anchor used elsewhere."""
        refs = self._references(root)
        problems = []
        for node in trail:
            paths = refs.get(id(node), [])
            if len(paths) > 1:
                home = paths[0]
                others = ["%s (line %d)" % (self._path_name(p), line) for p, line in paths[1:]]
                problems.append("%s (line %d) is a YAML anchor also used through the alias(es) %s"
                                % (self._path_name(home[0]), home[1], ", ".join(others)))
        if whole is not None and len(refs.get(id(whole), [])) <= 1:
            prefix = refs[id(whole)][0][0]
            stack = [whole]
            done = set()
            while stack:
                node = stack.pop()
                if id(node) in done:
                    continue
                done.add(id(node))
                paths = refs.get(id(node), [])
                if paths[0][0][:len(prefix)] != prefix:
                    continue  # an alias inside the value: dropping it harms nobody
                outside = [(p, line) for p, line in paths[1:] if p[:len(prefix)] != prefix]
                if outside:
                    problems.append("%s (line %d) holds an anchor used by the alias(es) %s"
                                    % (self._path_name(paths[0][0]), paths[0][1],
                                       ", ".join("%s (line %d)" % (self._path_name(p), line) for p, line in outside)))
                if isinstance(node, MappingNode):
                    stack.extend(v for _k, v in node.value)
                elif isinstance(node, SequenceNode):
                    stack.extend(node.value)
        if problems:
            raise ConfigFileError(
                "cannot %s %s %s %s: %s; the change would reach those keys too (or break them). Replace the "
                "aliases by copies of the anchored value first, or edit the file by hand"
                % (verb, join_key(parts), "from" if verb == "remove" else "in", self.label, "; ".join(problems)))

    # --- text helpers -----------------------------------------------------
    def _line_start(self, index):
        return self.text.rfind("\n", 0, index) + 1

    def _line_end(self, index):
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end

    def _compose(self):
        try:
            return yaml.compose(self.text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            raise ConfigFileError("%s is not valid YAML: %s" % (self.label, yaml_problem(exc)))

    def _where(self, node):
        return "line %d" % (node.start_mark.line + 1)

    @staticmethod
    def _is_alias(key_node, value_node):
        # An alias (*name) composes to the anchored node itself, whose marks
        # point at the anchor, i.e. before the key.
        return value_node.start_mark.index < key_node.end_mark.index

    def _content_end(self, node):
        """Offset just after the last character that belongs to ``node``
        (PyYAML's end mark of a block collection lies after trailing
        comments and blank lines, which belong to what follows)."""
        if isinstance(node, ScalarNode):
            end = node.end_mark.index
            if node.style in ("|", ">"):
                while end > node.start_mark.index and self.text[end - 1] in " \t\r\n":
                    end -= 1
            return end
        if node.flow_style or not node.value:
            return node.end_mark.index
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            if self._is_alias(key, value):
                return self._alias_end(key)
            return self._content_end(value)
        last = node.value[-1]
        if len(node.value) > 1 and last.start_mark.index < node.value[-2].end_mark.index or \
                last.start_mark.index < node.start_mark.index:
            return self._last_content_line_end(node.end_mark.index)
        return self._content_end(last)

    def _alias_end(self, key):
        colon = self._colon_after(key)
        match = re.compile(r"[ \t]*\*[^\s,\[\]{}]+").match(self.text, colon + 1)
        if not match:  # pragma: no cover - defensive
            raise ConfigFileError("%s: cannot find the alias after key %r at %s" % (self.label, key.value, self._where(key)))
        return match.end()

    def _last_content_line_end(self, index):
        pos = index
        while pos > 0:
            start = self._line_start(pos - 1) if self.text[pos - 1] == "\n" else self._line_start(pos)
            line = self.text[start:pos].strip()
            if line and not line.startswith("#"):
                return start + len(self.text[start:pos].rstrip())
            pos = start
        return index

    def _colon_after(self, key):
        pos = key.end_mark.index
        while pos < len(self.text) and self.text[pos] in " \t":
            pos += 1
        if pos >= len(self.text) or self.text[pos] != ":":
            raise ConfigFileError("%s: unsupported layout for key %r at %s (explicit '?' keys are not edited)"
                                  % (self.label, key.value, self._where(key)))
        return pos

    def _find(self, mapping, name):
        found = None
        for key, value in mapping.value:
            if isinstance(key, ScalarNode) and key.value == name:
                found = (key, value)
        return found

    def _indent_unit(self, root):
        if self._unit is not None:
            return self._unit
        unit = None
        stack = [root]
        while stack and unit is None:
            node = stack.pop(0)
            if isinstance(node, MappingNode) and not node.flow_style:
                for key, value in node.value:
                    if isinstance(value, MappingNode) and not value.flow_style and value.value \
                            and not self._is_alias(key, value):
                        step = value.value[0][0].start_mark.column - key.start_mark.column
                        if step > 0:
                            unit = step
                            break
                        stack.append(value)
                    elif isinstance(value, (MappingNode, SequenceNode)):
                        stack.append(value)
            elif isinstance(node, SequenceNode):
                stack.extend(node.value)
        self._unit = unit or 4
        return self._unit

    def _render_new(self, rest, value, column, unit):
        lines = []
        indent = column
        for part in rest[:-1]:
            lines.append(" " * indent + yaml_key(part) + ":")
            indent += unit
        lines.append(" " * indent + yaml_key(rest[-1]) + ": " + yaml_inline(value))
        return "\n".join(lines)

    # --- operations -------------------------------------------------------
    def set(self, parts, value):
        root = self._compose()
        if root is None:
            self._append_top_level(parts, value)
            return
        if not isinstance(root, MappingNode):
            raise ConfigFileError("the top level of %s is not a mapping" % self.label)
        unit = self._indent_unit(root)
        node = root
        trail = [root]
        for i, part in enumerate(parts):
            if node.flow_style and not node.value:
                # "{}": turn the empty flow mapping into a block
                self._check_not_shared(root, trail, parts, "set")
                self._replace_empty_flow(node, parts[i:], value, unit)
                return
            pair = self._find(node, part)
            if pair is None:
                if node.flow_style:
                    raise self._flow_error(parts, parts[:i], node)
                self._check_not_shared(root, trail, parts, "set")
                self._insert(node, parts[i:], value, unit)
                return
            key, child = pair
            if self._is_alias(key, child):
                raise ConfigFileError(
                    "cannot set %s in %s: %s is a YAML alias (*name) at %s; edit the anchored value instead"
                    % (join_key(parts), self.label, join_key(parts[: i + 1]), self._where(key)))
            if i == len(parts) - 1:
                self._check_not_shared(root, trail + [child], parts, "set", whole=child)
                self._replace(node, key, child, value)
                return
            trail.append(child)
            if not isinstance(child, MappingNode):  # pragma: no cover - caught on the data first
                raise ConfigFileError("cannot set %s in %s: %s is not a mapping"
                                      % (join_key(parts), self.label, join_key(parts[: i + 1])))
            node = child

    def remove(self, parts):
        root = self._compose()
        if not isinstance(root, MappingNode):
            return
        trail = []  # (mapping, key, value) from the top
        node = root
        for i, part in enumerate(parts):
            if not isinstance(node, MappingNode):
                return
            pair = self._find(node, part)
            if pair is None:
                return
            key, child = pair
            trail.append((node, key, child))
            if i < len(parts) - 1:
                if self._is_alias(key, child):
                    raise ConfigFileError(
                        "cannot remove %s from %s: %s is a YAML alias (*name) at %s"
                        % (join_key(parts), self.label, join_key(parts[: i + 1]), self._where(key)))
                node = child
        mapping, key, child = trail[-1]
        if mapping.flow_style:
            raise self._flow_error(parts, parts[:-1], mapping, verb="remove")
        if not self._is_alias(key, child):
            self._check_not_shared(root, [m for m, _k, _v in trail] + [child], parts, "remove", whole=child)
        else:
            self._check_not_shared(root, [m for m, _k, _v in trail], parts, "remove")
        if len(mapping.value) == 1:
            if len(trail) == 1:
                # the only top-level key: leave an empty mapping
                start = self._line_start(key.start_mark.index)
                end = self._line_end(self._pair_end(key, child))
                self.text = self.text[:start] + "{}" + self.text[end:]
            else:
                parent, pkey, pvalue = trail[-2]
                self._replace(parent, pkey, pvalue, {})
            return
        start = self._line_start(key.start_mark.index)
        if self.text[start:key.start_mark.index].strip():
            raise ConfigFileError("%s: unsupported layout for key %s at %s (not at the start of its line)"
                                  % (self.label, join_key(parts), self._where(key)))
        end = self._line_end(self._pair_end(key, child))
        if end < len(self.text):
            self.text = self.text[:start] + self.text[end + 1:]
        else:
            self.text = self.text[:max(start - 1, 0)] + self.text[end:]

    # --- primitives -------------------------------------------------------
    def _flow_error(self, parts, parent_parts, node, verb="add"):
        name = join_key(parent_parts) if parent_parts else "the top level"
        return ConfigFileError(
            "cannot %s %s in %s: %s is a flow-style mapping ({...}) at line %d; this module only adds and removes "
            "keys in block mappings. Rewrite %s as a block mapping (one key per line), or set the whole %s key "
            "to a dict value" % (verb, join_key(parts), self.label, name, node.start_mark.line + 1, name,
                                 name if parent_parts else "parent"))

    def _pair_end(self, key, value):
        if self._is_alias(key, value):
            return self._alias_end(key)
        return self._content_end(value)

    def _append_top_level(self, parts, value):
        block = self._render_new(parts, value, 0, 4)
        prefix = self.text
        if prefix and not prefix.endswith("\n"):
            prefix += "\n"
        self.text = prefix + block + "\n"

    def _insert(self, mapping, rest, value, unit):
        column = mapping.value[0][0].start_mark.column
        key, last = mapping.value[-1]
        pos = self._line_end(self._pair_end(key, last))
        block = self._render_new(rest, value, column, unit)
        self.text = self.text[:pos] + "\n" + block + self.text[pos:]

    def _replace_empty_flow(self, node, rest, value, unit):
        # ``KEY: {}`` -> ``KEY:`` + a block of the new children below it.
        start, end = node.start_mark.index, node.end_mark.index
        line_start = self._line_start(start)
        key_column = len(self.text[line_start:start]) - len(self.text[line_start:start].lstrip())
        if start == line_start or not self.text[line_start:start].rstrip().endswith(":"):
            # top-level document "{}" (or an unusual layout): rewrite it whole
            block = self._render_new(rest, value, 0, unit)
            self.text = self.text[:start] + block + self.text[end:]
            return
        block = self._render_new(rest, value, key_column + unit, unit)
        head = self.text[:start].rstrip(" \t")
        tail_end = self._line_end(end)
        tail = self.text[end:tail_end]  # e.g. "  # comment"
        self.text = head + tail + "\n" + block + self.text[tail_end:]

    def _replace(self, mapping, key, value_node, value):
        in_flow = bool(mapping.flow_style)
        style = value_node.style if isinstance(value_node, ScalarNode) else None
        if style in ("|", ">"):
            style = None  # a block scalar becomes a one-line scalar
        rendered = yaml_inline(value, style, in_flow)
        start = value_node.start_mark.index
        if value_node.start_mark.line == key.start_mark.line:
            end = self._content_end(value_node)
            if start == end and start > 0 and self.text[start - 1] == ":":
                rendered = " " + rendered
            self.text = self.text[:start] + rendered + self.text[end:]
            return
        # value below the key (a block mapping or list, or a scalar on the next line)
        colon = self._colon_after(key)
        key_line_end = self._line_end(key.end_mark.index)
        tail = self.text[colon + 1:key_line_end]
        comment = tail if tail.strip().startswith("#") else ""
        end = self._line_end(self._content_end(value_node))
        self.text = self.text[:colon + 1] + " " + rendered + comment + self.text[end:]
