# -*- coding: utf-8 -*-
# Copyright: contributors to the Open edX Ansible toolkit
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Editing of Open edX config files (lms.env.json, /edx/etc/lms.yml, ...).

Shared by the modules that change values in those files. Everything here
works on text and plain data; the module (AnsibleModule) is only needed for
``write_atomically`` (temp file + ``atomic_move`` + ``backup_local``).

- ``parse_dotted_key``: ``FEATURES.CERTIFICATES_HTML_VIEW`` -> components
  (``\\.`` is a literal dot inside a component).
- ``strict_equal``: value comparison that tells ``true`` from ``1``,
  ``1`` from ``1.0`` and ``"true"`` from ``true``.
- ``plan_edit``: given the file text, its format and the wanted settings /
  removals, return the new text, the list of changes and warnings. The
  new text is verified by parsing it again; on any mismatch it raises and
  the caller leaves the file alone.
- ``JSON``: parsed, changed, dumped again with the layout (indent,
  separators, ensure_ascii, sorted keys) detected from the original text.
- ``YAML``: edited as TEXT, never dumped, so comments, blank lines, quoting
  and key order survive; see ``YamlTextEditor``.
- ``locked_file``: the lock that serialises concurrent edits of one file.

No message raised from here ever contains a config VALUE: only file names,
key names, line/column numbers and type names. Values are for the diff,
which the caller masks with ``openedx_secrets``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import datetime
import errno
import fcntl
import json
import math
import os
import re
import tempfile
import time
from contextlib import contextmanager

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

from ansible.module_utils.openedx_secrets import MASK, is_secret_key, mask_value


class ConfigFileError(Exception):
    """A problem with the config file or the request; the message names the
    file and the key but never shows a value."""


class _Missing(object):
    def __repr__(self):
        return "<missing>"


MISSING = _Missing()


# --------------------------------------------------------------------------
# keys and values


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


def _kind(value):
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
    return {"null": "null", "bool": "a boolean", "int": "an integer", "float": "a float",
            "str": "a string", "dict": "a mapping", "list": "a list"}.get(_kind(value), "a " + _kind(value))


def strict_equal(a, b):
    """Deep equality where the TYPE matters: True != 1, 1 != 1.0, "1" != 1.

    Python's ``==`` says ``True == 1 == 1.0``; for a config file these are
    different values (the platform reads them back with their YAML/JSON
    type), so setting ``1.0`` where the file has ``1`` is a change.
    """
    ka, kb = _kind(a), _kind(b)
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


def check_value(key, value, _depth=0):
    """Refuse values that neither JSON nor YAML config files can hold."""
    kind = _kind(value)
    if kind in ("null", "bool", "int", "float", "str"):
        return
    if kind == "dict":
        for k, v in value.items():
            if not isinstance(k, str):
                raise ConfigFileError("value for %s: mapping keys must be strings" % key)
            check_value(key, v, _depth + 1)
        return
    if kind == "list":
        for v in value:
            check_value(key, v, _depth + 1)
        return
    raise ConfigFileError("value for %s has an unsupported type (%s)" % (key, kind))


def lookup(data, parts):
    """Value at ``parts`` in ``data``, or MISSING (also when a parent is not a mapping)."""
    node = data
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def _apply_set(data, parts, value, label):
    node = data
    for i, part in enumerate(parts[:-1]):
        if part not in node:
            node[part] = {}
        child = node[part]
        if not isinstance(child, dict):
            raise ConfigFileError(
                "cannot set %s in %s: %s is not a mapping (it holds %s)"
                % (join_key(parts), label, join_key(parts[: i + 1]), type_name(child)))
        node = child
    node[parts[-1]] = copy.deepcopy(value)


def _apply_remove(data, parts):
    node = lookup(data, parts[:-1]) if len(parts) > 1 else data
    if isinstance(node, dict) and parts[-1] in node:
        del node[parts[-1]]
        return True
    return False


# --------------------------------------------------------------------------
# reading, locking, writing


def detect_format(path, fmt, text=None):
    if fmt and fmt != "auto":
        return fmt
    lower = path.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yml", ".yaml")):
        return "yaml"
    if text is not None and text.lstrip("\ufeff \t\r\n").startswith("{"):
        return "json"
    return "yaml"


def missing_file_message(path):
    msg = "%s does not exist" % path
    base = os.path.basename(path)
    if base.endswith(".env.json") or base.endswith(".auth.json"):
        msg += ("; on Ironwood and later releases the configuration is YAML (/edx/etc/lms.yml and "
                "/edx/etc/studio.yml, found through LMS_CFG / STUDIO_CFG), and editing a JSON env file there "
                "would change nothing: run openedx_facts to see which files this host reads")
    elif base.endswith((".yml", ".yaml")):
        msg += ("; Hawthorn and earlier releases read JSON files (/edx/app/edxapp/lms.env.json, cms.env.json) "
                "instead: run openedx_facts to see which files this host reads")
    return msg


def resolve_path(path):
    """Real path of ``path`` (symlinks resolved), after the checks that give
    a clear message: missing file, dangling link, directory."""
    try:
        os.lstat(path)
    except OSError as exc:
        raise _read_error(path, exc)
    real = os.path.realpath(path)
    if not os.path.exists(real):
        raise ConfigFileError("%s is a symbolic link to %s, which does not exist" % (path, real))
    if os.path.isdir(real):
        raise ConfigFileError("%s is a directory, not a config file" % path)
    return real


@contextmanager
def locked_file(path, exclusive=True, timeout=30.0):
    """Hold an flock on ``path`` and yield an fd open for reading it.

    Why this dance: the file is replaced with ``atomic_move`` (rename of a
    temp file over it), so its inode changes on every write. A process that
    was waiting for the lock on the OLD inode would, once it gets it, read
    a file that is no longer the one at ``path`` and then overwrite the
    other process's change. So after getting the lock we compare the inode
    of the fd with the inode now at ``path``; if they differ the file was
    replaced while we waited, and we drop that lock and lock the new file.
    The writer keeps its lock until after the rename, so nobody can read
    the new file before it is complete. (Locking the parent directory
    would also work but needs read access to the directory and would
    serialise edits of unrelated files in it.)
    """
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    deadline = time.time() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as exc:
            raise _read_error(path, exc)
        try:
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except (IOError, OSError) as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        raise
                    if time.time() >= deadline:
                        raise ConfigFileError(
                            "timed out after %ss waiting for the lock on %s (another process is editing it)"
                            % (timeout, path))
                    time.sleep(0.05)
            held = os.fstat(fd)
            try:
                now = os.stat(path)
            except OSError:
                now = None
            if now is not None and (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # replaced while we waited: lock the new file
    try:
        yield fd
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _read_error(path, exc):
    if exc.errno == errno.EACCES:
        return ConfigFileError("cannot read %s: permission denied (run the task with become, as root or as the "
                               "file's owner)" % path)
    if exc.errno == errno.ENOENT:
        return ConfigFileError(missing_file_message(path))
    if exc.errno == errno.EISDIR:
        return ConfigFileError("%s is a directory, not a config file" % path)
    return ConfigFileError("cannot read %s: %s" % (path, os.strerror(exc.errno or 0)))


def read_fd(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def write_atomically(module, path, data, backup=False):
    """Write ``data`` (bytes) to ``path`` through a temp file in the same
    directory and ``module.atomic_move`` (which copies owner, group, mode
    and SELinux context of the old file). Returns the backup file name or ''."""
    directory = os.path.dirname(path) or "."
    backup_file = ""
    if backup:
        backup_file = module.backup_local(path)
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        module.atomic_move(tmp, path, unsafe_writes=module.params.get("unsafe_writes", False))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return backup_file


def decode_text(raw, path):
    """bytes -> (text with \\n line ends, restore function)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigFileError("%s is not UTF-8 text (invalid byte at offset %d)" % (path, exc.start))
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    crlf = "\r\n" in text and "\n" not in text.replace("\r\n", "")
    if crlf:
        text = text.replace("\r\n", "\n")

    def restore(new_text):
        if crlf:
            new_text = new_text.replace("\n", "\r\n")
        if bom:
            new_text = "\ufeff" + new_text
        return new_text.encode("utf-8")

    return text, restore


# --------------------------------------------------------------------------
# planning an edit


class Change(object):
    def __init__(self, key, before, after):
        self.key = key
        self.before = before
        self.after = after


class EditPlan(object):
    def __init__(self, text, new_text, changes, warnings, data, new_data):
        self.text = text
        self.new_text = new_text
        self.changes = changes
        self.warnings = warnings
        self.data = data
        self.new_data = new_data

    @property
    def changed(self):
        return bool(self.changes)

    @property
    def changed_keys(self):
        return [c.key for c in self.changes]


def plan_edit(text, fmt, settings=None, remove=None, label="the file"):
    """Compute the edit. ``settings``: ordered {dotted key: value}; ``remove``:
    list of dotted keys. Settings are applied in order, then removals."""
    settings = settings or {}
    remove = remove or []
    set_ops = []
    for key, value in settings.items():
        check_value(key, value)
        set_ops.append((key, parse_dotted_key(key), value))
    remove_ops = [(key, parse_dotted_key(key)) for key in remove]
    both = set(settings) & set(remove)
    if both:
        raise ConfigFileError("key(s) both in settings and in remove: %s" % ", ".join(sorted(both)))

    if fmt == "json":
        data = load_json(text, label)
    elif fmt == "yaml":
        data = load_yaml(text, label)
    else:
        raise ConfigFileError("unknown format %r" % fmt)
    if data is None and fmt == "yaml":
        data_root = {}
    else:
        data_root = data
    if not isinstance(data_root, dict):
        raise ConfigFileError("the top level of %s is not a mapping (it is %s)" % (label, type_name(data_root)))

    new_data = copy.deepcopy(data_root)
    changes = []
    for key, parts, value in set_ops:
        old = lookup(new_data, parts)
        if old is not MISSING and strict_equal(old, value):
            continue
        _apply_set(new_data, parts, value, label)
        changes.append(Change(key, old, copy.deepcopy(value)))
    for key, parts in remove_ops:
        old = lookup(new_data, parts)
        if old is MISSING:
            continue
        _apply_remove(new_data, parts)
        changes.append(Change(key, old, MISSING))

    warnings = []
    if not changes:
        return EditPlan(text, text, [], warnings, data_root, new_data)

    if fmt == "json":
        new_text, warnings = dump_json_like(text, data_root, new_data, label)
        reparsed = json.loads(new_text)
        if not strict_equal(reparsed, new_data):  # pragma: no cover - json.dumps is trusted
            raise ConfigFileError("internal error: the new JSON for %s does not read back as intended; file left unchanged" % label)
    else:
        editor = YamlTextEditor(text, label)
        for change in changes:
            parts = parse_dotted_key(change.key)
            if change.after is MISSING:
                editor.remove(parts)
            else:
                editor.set(parts, change.after)
        new_text = editor.text
        try:
            reparsed = yaml.safe_load(new_text)
        except yaml.YAMLError as exc:
            raise ConfigFileError(
                "internal error: the edited YAML for %s does not parse (%s); file left unchanged"
                % (label, _yaml_problem(exc)))
        if reparsed is None:
            reparsed = {}
        if not strict_equal(reparsed, new_data):
            bad = _differing_keys(reparsed, new_data)
            raise ConfigFileError(
                "the edited YAML for %s does not read back as intended (differs at: %s); file left unchanged. "
                "The file may use a layout this module cannot edit safely (anchors, merge keys, duplicate keys)"
                % (label, ", ".join(bad) or "top level"))
    return EditPlan(text, new_text, changes, warnings, data_root, new_data)


def _differing_keys(a, b, prefix=()):
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                out.append(join_key(list(prefix) + [str(key)]))
            elif not strict_equal(a[key], b[key]):
                out.extend(_differing_keys(a[key], b[key], tuple(prefix) + (str(key),)))
        return out
    return [join_key(list(prefix))] if prefix else []


def diff_texts(changes):
    """Small ``key: value`` texts of the changed keys only, secrets masked."""
    before, after = [], []
    for change in changes:
        secret = is_secret_key(change.key)
        if change.before is not MISSING:
            before.append("%s: %s\n" % (change.key, _display(change.key, change.before)))
        if change.after is not MISSING:
            shown = _display(change.key, change.after)
            if secret and change.before is not MISSING:
                shown = MASK + " (changed)"
            after.append("%s: %s\n" % (change.key, shown))
    return "".join(before), "".join(after)


def _display(key, value):
    masked = mask_value(key, value)
    if masked == MASK and is_secret_key(key):
        return MASK
    return json.dumps(masked, ensure_ascii=False, default=_json_default)


def _json_default(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


# --------------------------------------------------------------------------
# JSON


def load_json(text, label):
    if not text.strip():
        raise ConfigFileError("%s is empty: expected a JSON object" % label)
    try:
        return json.loads(text)
    except ValueError as exc:
        lineno = getattr(exc, "lineno", None)
        if lineno is not None:
            raise ConfigFileError("%s is not valid JSON: %s at line %d, column %d"
                                  % (label, exc.msg, exc.lineno, exc.colno))
        raise ConfigFileError("%s is not valid JSON" % label)


def _all_sorted(value):
    """(every object has sorted keys, some object has 2+ keys)."""
    multi = False
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            keys = list(node)
            if len(keys) > 1:
                multi = True
                if keys != sorted(keys):
                    return False, multi
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True, multi


def _detect_json_indent(body):
    if "\n" not in body:
        return None
    match = re.search(r"^[\[{]\s*?\n([ \t]+)\S", body)
    if not match:
        match = re.search(r"\n([ \t]+)\S", body)
    if not match:
        return 0
    ws = match.group(1)
    return len(ws) if set(ws) == {" "} else ws


def dump_json_like(text, data, new_data, label):
    """Dump ``new_data`` with the layout of ``text`` (which holds ``data``)."""
    stripped = text.strip()
    start = text.index(stripped[0])
    prefix, suffix = text[:start], text[start + len(stripped):]
    indent = _detect_json_indent(stripped)
    is_sorted, multi = _all_sorted(data)
    sort_keys = is_sorted and multi
    combos = []
    for ensure_ascii in (True, False):
        for item_sep in ((",", ", ") if indent is not None else (", ", ",")):
            for key_sep in (": ", ":"):
                combos.append((ensure_ascii, item_sep, key_sep))
    chosen = None
    for ensure_ascii, item_sep, key_sep in combos:
        try:
            candidate = json.dumps(data, indent=indent, separators=(item_sep, key_sep), ensure_ascii=ensure_ascii)
        except ValueError:  # pragma: no cover
            continue
        if candidate == stripped:
            chosen = (ensure_ascii, item_sep, key_sep)
            break
    warnings = []
    if chosen is None:
        ensure_ascii = not re.search(r"[^\x00-\x7f]", stripped)
        item_sep = ", " if (indent is None and ", " in stripped) or ", \n" in stripped else ","
        match = re.search(r'"(\s*):(\s?)', stripped)
        key_sep = (match.group(1) + ":" + match.group(2)) if match else ": "
        chosen = (ensure_ascii, item_sep, key_sep)
        warnings.append(
            "the layout of %s is not one json.dumps reproduces exactly (spacing or number format); "
            "the whole file was re-serialised with indent %r, so lines other than the changed keys may differ"
            % (label, indent))
    ensure_ascii, item_sep, key_sep = chosen
    new_body = json.dumps(new_data, indent=indent, separators=(item_sep, key_sep),
                          ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    return prefix + new_body + suffix, warnings


# --------------------------------------------------------------------------
# YAML


def _yaml_problem(exc):
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or exc.__class__.__name__
    # Deliberately not exc.problem_mark.get_snippet(): it prints the line,
    # which may hold a password.
    if mark is not None:
        return "%s at line %d, column %d" % (problem, mark.line + 1, mark.column + 1)
    return str(problem)


def load_yaml(text, label):
    if not HAS_YAML:
        raise ConfigFileError("PyYAML is required on the managed host to edit the YAML file %s" % label)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigFileError("%s is not valid YAML: %s" % (label, _yaml_problem(exc)))


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
    kind = _kind(value)
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
            raise ConfigFileError("%s is not valid YAML: %s" % (self.label, _yaml_problem(exc)))

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
        for i, part in enumerate(parts):
            if node.flow_style and not node.value:
                # "{}": turn the empty flow mapping into a block
                self._replace_empty_flow(node, parts[i:], value, unit)
                return
            pair = self._find(node, part)
            if pair is None:
                if node.flow_style:
                    raise self._flow_error(parts, parts[:i], node)
                self._insert(node, parts[i:], value, unit)
                return
            key, child = pair
            if self._is_alias(key, child):
                raise ConfigFileError(
                    "cannot set %s in %s: %s is a YAML alias (*name) at %s; edit the anchored value instead"
                    % (join_key(parts), self.label, join_key(parts[: i + 1]), self._where(key)))
            if i == len(parts) - 1:
                self._replace(node, key, child, value)
                return
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
