# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the format of Open edX course run ids without the platform.

The platform parses course ids with ``opaque_keys.edx.keys.CourseKey.from_string``
(package edx-opaque-keys). That package is not on managed hosts outside the
platform's virtualenv, and a module must reject a mistyped id *before* it
starts a platform process, so the rules are restated here:

* new style ``course-v1:ORG+COURSE+RUN``: three non-empty parts separated by
  ``+``, each made of word characters (letters, digits, ``_``, Unicode
  letters included) and ``-``, ``~``, ``.``, ``:`` (opaque_keys'
  ``Locator.ALLOWED_ID_CHARS``);
* old style ``ORG/COURSE/RUN``: exactly two slashes, three non-empty parts
  made of word characters and ``.``, ``%``, ``-`` (what opaque_keys keeps
  after its ``INVALID_CHARS_DEPRECATED`` and ``DEPRECATED_ALLOWED_ID_CHARS``
  checks).

This is deliberately a little stricter than ``CourseKey.from_string``, which
also accepts keys that are not course runs that certificates can be made
for: ``course-v1:`` keys with a ``branch@``/``version@`` part, ``library-v1:``
keys, and old-style ids with an empty run (``edX/toy/``, which the
installation guide forbids: no leading or trailing slash). Everything
accepted here is accepted by opaque_keys (the unit tests check both ways on
many ids). ``validate_course_id`` returns the reason an id is refused, as a
sentence for the operator.

``parse_course_ids`` is the one place where the course ids an operator gives
(one string of ids separated by commas, a list, the playbooks' single
``course_id`` next to ``course_ids``) become the list a module works on:
the modules take them as given and the playbooks pass them through.
"""

from __future__ import absolute_import, division, print_function

import re

__metaclass__ = type

NEW_STYLE_PREFIX = 'course-v1:'
EXAMPLE_NEW = 'course-v1:edX+DemoX+Demo_Course'
EXAMPLE_OLD = 'edX/DemoX/Demo_Course'

_NEW_PART_RE = re.compile(r'^[\w\-~.:]+\Z', re.UNICODE)
_OLD_PART_RE = re.compile(r'^[\w.%\-]+\Z', re.UNICODE)
_BAD_NEW_CHAR_RE = re.compile(r'[^\w\-~.:]', re.UNICODE)
_BAD_OLD_CHAR_RE = re.compile(r'[^\w.%\-]', re.UNICODE)
_PART_NAMES = ('organization', 'course', 'run')


def _describe(char):
    if char.isspace():
        return 'whitespace (%r)' % char
    return '%r' % char


def _check_parts(course_id, parts, good_re, bad_re, style):
    for name, part in zip(_PART_NAMES, parts):
        if not part:
            return ('course id %r has an empty %s part (%s ids are ORG%sCOURSE%sRUN, e.g. %s)'
                    % (course_id, name, style, *_style_bits(style)))
        if not good_re.match(part):
            bad = bad_re.search(part)
            char = _describe(bad.group(0)) if bad else 'a character'
            return ('course id %r: the %s part %r contains %s, which course ids cannot '
                    'contain' % (course_id, name, part, char))
    return None


def _style_bits(style):
    if style == 'new-style':
        return '+', '+', EXAMPLE_NEW
    return '/', '/', EXAMPLE_OLD


def validate_course_id(course_id):
    """Return None when ``course_id`` is a well-formed course run id, else why not."""
    if not isinstance(course_id, str):
        return 'course id must be a string, not %s' % type(course_id).__name__
    if not course_id:
        return 'course id is empty; give one like %s' % EXAMPLE_NEW
    if course_id != course_id.strip():
        return 'course id %r has leading or trailing whitespace' % course_id
    if course_id.startswith('/') or course_id.endswith('/'):
        return ('course id %r has a leading or trailing slash; write it without one, '
                'e.g. %s or %s' % (course_id, EXAMPLE_NEW, EXAMPLE_OLD))
    if ':' in course_id.split('/', 1)[0] and not course_id.startswith(NEW_STYLE_PREFIX):
        namespace = course_id.split(':', 1)[0]
        if namespace.lower() == 'course-v1':
            return ('course id %r: the prefix is case-sensitive, write %r'
                    % (course_id, NEW_STYLE_PREFIX))
        return ('course id %r has the prefix %r; course run ids start with %r '
                '(or are old-style ORG/COURSE/RUN)' % (course_id, namespace + ':', NEW_STYLE_PREFIX))
    if course_id.startswith(NEW_STYLE_PREFIX):
        rest = course_id[len(NEW_STYLE_PREFIX):]
        if '@' in rest:
            return ('course id %r names a branch or version (the "@" part); give the '
                    'course run only, e.g. %s' % (course_id, EXAMPLE_NEW))
        parts = rest.split('+')
        if len(parts) != 3:
            return ('course id %r must have exactly three parts ORG+COURSE+RUN after %r, '
                    'not %d, e.g. %s' % (course_id, NEW_STYLE_PREFIX, len(parts), EXAMPLE_NEW))
        return _check_parts(course_id, parts, _NEW_PART_RE, _BAD_NEW_CHAR_RE, 'new-style')
    parts = course_id.split('/')
    if len(parts) != 3:
        return ('course id %r is neither new-style (%s) nor old-style ORG/COURSE/RUN '
                '(%s: exactly two slashes)' % (course_id, EXAMPLE_NEW, EXAMPLE_OLD))
    return _check_parts(course_id, parts, _OLD_PART_RE, _BAD_OLD_CHAR_RE, 'old-style')


class CourseIdError(ValueError):
    """The course ids given cannot be used; ``invalid`` lists the malformed entries."""

    def __init__(self, msg, invalid=None):
        ValueError.__init__(self, msg)
        self.invalid = list(invalid or [])


def _entries(value):
    # One string holds ids separated by commas; a list may hold such strings
    # too (Ansible's list type splits a string on commas but keeps the
    # spaces around each id, and -e course_ids=a,b arrives as one string).
    if value is None:
        return []
    if isinstance(value, str):
        return value.split(',')
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            out.extend(item.split(',') if isinstance(item, str) else [item])
        return out
    return [value]


def parse_course_ids(*named_values):
    """The course ids of ``named_values``, in order, each once; raises CourseIdError.

    ``named_values`` are ``(name, value)`` pairs, the option (or variable)
    names in the order their ids come, e.g. ``('course_id', ...),
    ('course_ids', ...)``. A value is None, a string of ids separated by
    commas, or a list of such strings. Spaces around an id and empty entries
    are dropped. Nothing at all is an error naming every option; a malformed
    entry is an error naming the option, the entry's position and the rule.
    """
    ids, problems, invalid = [], [], []
    for name, value in named_values:
        position = 0
        for entry in _entries(value):
            if entry is None or (isinstance(entry, str) and not entry.strip()):
                continue
            position += 1
            if isinstance(entry, str):
                entry = entry.strip()
            why = validate_course_id(entry)
            if why is not None:
                problems.append('%s entry %d: %s' % (name, position, why))
                invalid.append(entry)
            elif entry not in ids:
                ids.append(entry)
    if problems:
        raise CourseIdError('malformed course id(s): %s' % '; '.join(problems), invalid)
    if not ids:
        names = [name for name, _value in named_values]
        raise CourseIdError('no course id given: give at least one in %s (a list, or one string of ids '
                            'separated by commas), e.g. %s' % (' or '.join(names), EXAMPLE_NEW))
    return ids


# The two course id options of the modules that work on courses
# (doc_fragments/openedx_course_ids.py documents them).
COURSE_IDS_ARGUMENT_SPEC = dict(
    course_ids=dict(type='list', elements='str', aliases=['courses']),
    course_id=dict(type='list', elements='str'),
)


def module_course_ids(module):
    """The course ids of a module with COURSE_IDS_ARGUMENT_SPEC, course_id's
    first; fails the module, before anything started, when they cannot be
    used."""
    try:
        return parse_course_ids(('course_id', module.params['course_id']),
                                ('course_ids', module.params['course_ids']))
    except CourseIdError as exc:
        module.fail_json(msg='%s; nothing was started' % exc, invalid_course_ids=exc.invalid,
                         platform_starts=0)
