# -*- coding: utf-8 -*-
# Copyright: contributors to the Open edX Ansible toolkit
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Editing of Open edX config files (lms.env.json, /edx/etc/lms.yml, ...):
the file-level layer, which uses one of two text editors.

Shared by the modules that change values in those files. Everything here
works on text and plain data; the module (AnsibleModule) is only needed for
``write_atomically`` (temp file + ``atomic_move`` + ``backup_local``).

- ``detect_format``: JSON or YAML, from the name or the text.
- ``plan_edit``: given the file text, its format and the wanted settings /
  removals, return the new text, the list of changes and warnings. The
  changes are computed on the data, then made in the text by
  ``apply_changes`` with the format's editor; the new text is verified by
  parsing it again; on any mismatch it raises and the caller leaves the
  file alone.
- ``JSON``: edited as TEXT (``openedx_json_text.JsonTextEditor``), so that
  untouched lines stay byte for byte whatever their spacing; only when that
  is impossible is the file dumped again as a whole, with the layout
  (indent, separators, ensure_ascii, sorted keys) detected from the
  original text, and a warning saying so.
- ``YAML``: edited as TEXT, never dumped, so comments, blank lines, quoting
  and key order survive (``openedx_yaml_text.YamlTextEditor``). A change
  that would also reach other keys through a YAML anchor (``&name`` /
  ``*name`` / ``<<``) is refused.
- Both: the edited text is parsed again and its fully expanded data (aliases
  followed) must equal the intended data, key for key; any other key that
  changed makes the edit fail and the file stays as it was.
- ``diff_texts``: the changed keys only, secrets masked.
- ``locked_file``: the lock that serialises concurrent edits of one file.
- ``write_atomically``: temp file + rename; errors say why in words
  (``write_error``); ``remove_stale_temp_files`` clears the temp files an
  interrupted run left (call it holding the exclusive lock).

Dotted keys, strict equality and ``ConfigFileError`` are in
``openedx_config_data``.

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
import os
import random
import re
import signal
import stat
import time
from contextlib import contextmanager

# ConfigFileError and the key/value helpers live in openedx_config_data so
# that the YAML editor, which this module imports, can use them too without
# importing this module (see there). Callers keep catching ConfigFileError
# from here. ``yaml`` is PyYAML as openedx_yaml_text imported it (None when
# the managed host lacks it: HAS_YAML), so that one guarded import decides.
from ansible.module_utils.openedx_config_data import (
    ConfigFileError,
    join_key,
    parse_dotted_key,
    strict_equal,
    type_name,
    value_kind,
)
from ansible.module_utils.openedx_json_text import JsonTextEditor, JsonTextError
from ansible.module_utils.openedx_secrets import MASK, is_secret_key, mask_value
from ansible.module_utils.openedx_yaml_text import HAS_YAML, YamlTextEditor, yaml, yaml_problem


class _Missing(object):
    def __repr__(self):
        return "<missing>"


MISSING = _Missing()


# --------------------------------------------------------------------------
# keys and values


def check_value(key, value):
    """Refuse values that neither JSON nor YAML config files can hold."""
    kind = value_kind(value)
    if kind in ("null", "bool", "int", "float", "str"):
        return
    if kind == "dict":
        for k, v in value.items():
            if not isinstance(k, str):
                raise ConfigFileError("value for %s: mapping keys must be strings" % key)
            check_value(key, v)
        return
    if kind == "list":
        for v in value:
            check_value(key, v)
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


def expanded_copy(value, label="the file", _path=(), _active=None):
    """A copy of ``value`` where no dict or list is shared.

    ``yaml.safe_load`` gives the SAME object for an anchor and each of its
    aliases (and ``copy.deepcopy`` keeps that sharing), so a change applied
    to the intended data at ``FEATURES.X`` would silently appear at every
    alias too, and the read-back check would agree with an edit that
    changed keys nobody asked for. This copy is the fully expanded data,
    in which each key is its own. A recursive alias (a value containing
    itself) cannot be expanded: refused.
    """
    if not isinstance(value, (dict, list)):
        return copy.deepcopy(value)
    active = set() if _active is None else _active
    if id(value) in active:
        raise ConfigFileError(
            "%s holds a recursive YAML alias (a value that contains itself, at %s); this module does not edit "
            "such files" % (label, join_key([str(p) for p in _path]) or "the top level"))
    active.add(id(value))
    try:
        if isinstance(value, dict):
            return dict((k, expanded_copy(v, label, _path + (k,), active)) for k, v in value.items())
        return [expanded_copy(v, label, _path + (i,), active) for i, v in enumerate(value)]
    finally:
        active.discard(id(value))


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


# Our temp files are ".NAME.XXXXXXXX.tmp" beside NAME: 8 characters of this
# alphabet, the names tempfile.mkstemp(prefix=".NAME.", suffix=".tmp") made
# in earlier versions (so their leftovers are recognised too). We make the
# names ourselves so that the writer and the cleaner cannot disagree about
# the pattern if a Python release changes mkstemp's naming.
_TEMP_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_TEMP_RANDOM_LEN = 8


def temp_name_pattern(path):
    """Regex matching exactly the names of our temp files for ``path``."""
    return re.compile(r"\A\.%s\.[%s]{%d}\.tmp\Z"
                      % (re.escape(os.path.basename(path)), re.escape(_TEMP_CHARS), _TEMP_RANDOM_LEN))


def make_temp_file(path):
    """Create our temp file for ``path`` in its directory: (fd, name), mode 0600."""
    directory = os.path.dirname(path) or "."
    rng = random.SystemRandom()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        token = "".join(rng.choice(_TEMP_CHARS) for _i in range(_TEMP_RANDOM_LEN))
        name = os.path.join(directory, ".%s.%s.tmp" % (os.path.basename(path), token))
        try:
            return os.open(name, flags, 0o600), name
        except OSError as exc:
            if exc.errno != errno.EEXIST:
                raise
    raise OSError(errno.EEXIST, os.strerror(errno.EEXIST), directory)  # pragma: no cover


def stale_temp_files(path):
    """Our temp files beside ``path`` (see ``temp_name_pattern``): regular
    files with one link only, so that nothing else that happens to match is
    touched. They are stale only while the caller holds the lock on
    ``path``: a run of ours keeps its exclusive lock from before it creates
    its temp file until after that file is renamed or removed."""
    directory = os.path.dirname(path) or "."
    pattern = temp_name_pattern(path)
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    found = []
    for name in sorted(names):
        if not pattern.match(name):
            continue
        full = os.path.join(directory, name)
        try:
            info = os.lstat(full)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_nlink == 1:
            found.append(full)
    return found


def remove_stale_temp_files(path):
    """Remove the temp files that interrupted runs left beside ``path`` (each
    a full copy of the config, secrets included). Call it holding the
    EXCLUSIVE lock of ``locked_file(path)``. Returns (removed, [(name,
    reason)] not removed)."""
    removed, failed = [], []
    for name in stale_temp_files(path):
        try:
            os.unlink(name)
            removed.append(name)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                failed.append((name, os.strerror(exc.errno or 0)))
    return removed, failed


_WRITE_HINTS = {
    errno.EROFS: "the file system that holds it is mounted read-only",
    errno.EPERM: "the file or its directory may be immutable or append-only (lsattr shows an 'i' or 'a' "
                 "flag; chattr -i / chattr -a removes it)",
    errno.EBUSY: "it is a mount point, e.g. a file bind-mounted into a container, and a new file cannot be "
                 "renamed over it; edit the file it is mounted from, or set unsafe_writes=true to write it in "
                 "place (not atomic)",
    errno.EACCES: "the user running the task may not write it or its directory (run the task with become)",
    errno.ENOSPC: "the file system is full",
    errno.EXDEV: "the temporary file and the file are on different file systems",
}


def _os_error_in(exc):
    """The OSError in ``exc`` or in its chain of causes (``atomic_move``
    raises a plain Exception "from" the OSError), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, EnvironmentError) and getattr(exc, "errno", None):
            return exc
        exc = getattr(exc, "__cause__", None) or getattr(exc, "__context__", None)
    return None


def write_error(path, exc, label=None):
    """ConfigFileError for a failed write of ``path``: the file, the errno in
    words and what it usually means (``label``: the name the user gave, when
    ``path`` is the resolved one)."""
    name = path if not label or label == path else "%s (resolved from %s)" % (path, label)
    os_error = _os_error_in(exc)
    if os_error is None:
        return ConfigFileError("cannot write %s: %s" % (name, exc))
    words = os.strerror(os_error.errno)
    hint = _WRITE_HINTS.get(os_error.errno)
    return ConfigFileError("cannot write %s: %s%s" % (name, words, " (%s)" % hint if hint else ""))


class _Interrupted(BaseException):
    """A termination signal arrived while our temp file existed."""

    def __init__(self, signum):
        BaseException.__init__(self, signum)
        self.signum = signum


@contextmanager
def _signals_raise():
    """While the temp file exists, turn SIGTERM and SIGHUP (a killed task, a
    dropped SSH connection) into an exception, so that the ``finally`` that
    removes the temp file runs. Only signals left at their default action
    are taken over (an ignored SIGHUP stays ignored), and only in the main
    thread (elsewhere ``signal.signal`` is not allowed)."""
    previous = {}

    def handler(signum, frame):
        raise _Interrupted(signum)

    try:
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is None:
                continue
            try:
                if signal.getsignal(number) == signal.SIG_DFL:
                    previous[number] = signal.signal(number, handler)
            except (ValueError, OSError, RuntimeError):
                pass
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def write_atomically(module, path, data, backup=False, label=None):
    """Write ``data`` (bytes) to ``path`` through a temp file in the same
    directory and ``module.atomic_move`` (which copies owner, group, mode
    and SELinux context of the old file). Returns the backup file name or ''.

    Hold the exclusive lock of ``locked_file(path)`` around it (the stale
    temp file cleanup relies on that). On any failure the temp file is
    removed and a ConfigFileError says why (see ``write_error``); on SIGTERM
    or SIGHUP it is removed and the process then dies of the signal."""
    backup_file = ""
    if backup:
        backup_file = module.backup_local(path)
    try:
        with _signals_raise():
            tmp = None
            try:
                fd, tmp = make_temp_file(path)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                module.atomic_move(tmp, path, unsafe_writes=module.params.get("unsafe_writes", False))
            except (ConfigFileError, _Interrupted):
                raise
            except Exception as exc:
                raise write_error(path, exc, label)
            finally:
                if tmp is not None and os.path.lexists(tmp):
                    os.unlink(tmp)
    except _Interrupted as exc:
        # the handlers are restored by now: die of the signal, as the sender expects
        os.kill(os.getpid(), exc.signum)
        raise SystemExit(128 + exc.signum)  # pragma: no cover - the signal ends the process first
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
    def __init__(self, new_text, changes, warnings, data, new_data):
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

    # The fully expanded data (see expanded_copy): each change applies to
    # its own key only, and the read-back check compares key for key.
    new_data = expanded_copy(data_root, label)
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
        return EditPlan(text, [], warnings, data_root, new_data)

    if fmt == "json":
        new_text, warnings = edit_json_text(text, data_root, new_data, changes, label)
    else:
        editor = YamlTextEditor(text, label)
        apply_changes(editor, changes)
        new_text = editor.text
        try:
            reparsed = yaml.safe_load(new_text)
        except yaml.YAMLError as exc:
            raise ConfigFileError(
                "internal error: the edited YAML for %s does not parse (%s); file left unchanged"
                % (label, yaml_problem(exc)))
        if reparsed is None:
            reparsed = {}
        problem = read_back_problem(reparsed, new_data, changes)
        if problem:
            raise ConfigFileError(
                "the edited YAML for %s does not read back as intended (%s); file left unchanged. "
                "The file may use a layout this module cannot edit safely (anchors, merge keys, duplicate keys)"
                % (label, problem))
    return EditPlan(new_text, changes, warnings, data_root, new_data)


def apply_changes(editor, changes):
    """Make each change with a text editor (YamlTextEditor or JsonTextEditor:
    both ``set`` and ``remove`` dotted-key parts in place)."""
    for change in changes:
        parts = parse_dotted_key(change.key)
        if change.after is MISSING:
            editor.remove(parts)
        else:
            editor.set(parts, change.after)


def read_back_problem(reparsed, new_data, changes):
    """'' when the re-parsed edit equals the intended data; else which keys
    differ: those that changed without being asked for, and the asked-for
    ones that did not come out as intended. ``strict_equal`` follows
    aliases, so ``reparsed`` is compared fully expanded."""
    if strict_equal(reparsed, new_data):
        return ""
    asked = [parse_dotted_key(c.key) for c in changes]
    unasked, wrong = [], []
    for key in _differing_keys(reparsed, new_data) or [""]:
        try:
            parts = parse_dotted_key(key) if key else []
        except ConfigFileError:  # a key with an empty component ("")
            parts = [key]
        related = any(parts[:len(a)] == a or a[:len(parts)] == parts for a in asked) if parts else False
        (wrong if related else unasked).append(key or "the top level")
    out = []
    if unasked:
        out.append("changed without being asked for: %s" % ", ".join(unasked))
    if wrong:
        out.append("not as intended: %s" % ", ".join(wrong))
    return "; ".join(out)


def edit_json_text(text, data, new_data, changes, label):
    """The new JSON text: edited in place (untouched bytes stay); when the
    in-place editor cannot do it, the whole document re-serialised with
    the detected layout, and a warning that says so."""
    is_sorted, multi = _all_sorted(data)
    problem = None
    try:
        editor = JsonTextEditor(text, sort_keys=is_sorted and multi)
        apply_changes(editor, changes)
        new_text = editor.text
        try:
            problem = read_back_problem(json.loads(new_text), new_data, changes)
        except ValueError:
            problem = "the result does not parse"
        if not problem:
            return new_text, []
    except JsonTextError as exc:
        problem = str(exc)
    new_text = dump_json_like(text, data, new_data)
    if not strict_equal(json.loads(new_text), new_data):  # pragma: no cover - json.dumps is trusted
        raise ConfigFileError("internal error: the new JSON for %s does not read back as intended; file left "
                              "unchanged" % label)
    return new_text, [
        "%s could not be edited in place (%s), so the whole file was re-serialised with the layout detected "
        "from it: lines other than the changed keys may differ" % (label, problem)]


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
            elif change.before is not MISSING and shown == _display(change.key, change.before):
                # e.g. only the password inside a URL changed: both show as ********
                shown += " (changed)"
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


def dump_json_like(text, data, new_data):
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
    if chosen is None:
        # not a layout json.dumps writes (edit_json_text warns that the whole file was re-serialised)
        ensure_ascii = not re.search(r"[^\x00-\x7f]", stripped)
        item_sep = ", " if (indent is None and ", " in stripped) or ", \n" in stripped else ","
        match = re.search(r'"(\s*):(\s?)', stripped)
        key_sep = (match.group(1) + ":" + match.group(2)) if match else ": "
        chosen = (ensure_ascii, item_sep, key_sep)
    ensure_ascii, item_sep, key_sep = chosen
    new_body = json.dumps(new_data, indent=indent, separators=(item_sep, key_sep),
                          ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    return prefix + new_body + suffix


# --------------------------------------------------------------------------
# YAML


def load_yaml(text, label):
    if not HAS_YAML:
        raise ConfigFileError("PyYAML is required on the managed host to edit the YAML file %s" % label)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigFileError("%s is not valid YAML: %s" % (label, yaml_problem(exc)))
