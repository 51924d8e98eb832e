# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The certificate HTML view configuration: its JSON Schema and its checker.

The Open edX platform stores this configuration as free JSON text in the
``CertificateHtmlViewConfiguration`` model and checks nothing but the JSON
syntax. The certificate page, however, fails with a server error when the
``default`` section lacks one of the keys that the installation guide lists
as required. This file says what a usable configuration looks like, once:

* ``build_schema(allowed_extra_modes)`` returns the JSON Schema (a plain
  dict, draft 2020-12) for a configuration;
* ``validate_configuration(config, allowed_extra_modes)`` returns a list of
  ``(path, message)`` problems, found by a small checker that understands
  exactly the part of JSON Schema that ``build_schema`` uses (``type``,
  ``required``, ``properties``, ``additionalProperties``, ``pattern``,
  ``minLength``), so that no second set of rules exists. The unit tests run
  the real ``jsonschema`` package over the same schema to prove the schema
  is valid and that both agree on which fields are wrong;
* ``format_problems(problems)`` turns them into one readable message.

The schema carries one extension keyword, ``x-hint``: the fix to suggest
when a value does not match. jsonschema ignores unknown keywords.
"""

from __future__ import absolute_import, division, print_function

import re

__metaclass__ = type

# The keys of the ``default`` section that the installation guide lists as
# required (the certificate templates read them unconditionally: without
# one, the page fails with a server error). accomplishment_class_append is
# in the guide's example and the platform's own seed row, and valid.html
# reads it as well.
REQUIRED_DEFAULT_KEYS = (
    'accomplishment_class_append',
    'platform_name',
    'company_about_url',
    'company_privacy_url',
    'company_tos_url',
    'company_verified_certificate_url',
    'logo_src',
    'logo_url',
)

URL_KEYS = (
    'company_about_url',
    'company_privacy_url',
    'company_tos_url',
    'company_verified_certificate_url',
    'logo_url',
)

# Other keys that the certificate page reads; all optional strings.
OPTIONAL_DEFAULT_KEYS = (
    'certificate_verify_url_prefix',
    'certificate_verify_url_suffix',
)

MODE_KEYS_REQUIRED = ('certificate_type', 'certificate_title')
MODE_KEYS_OPTIONAL = ('document_body_class_append',)

# Course modes of edx-platform (course_modes.models.CourseMode, all releases
# up to now), plus "base" and "distinguished", the two sections that the
# platform's own data migration seeds into this configuration.
KNOWN_MODES = (
    'audit',
    'honor',
    'verified',
    'professional',
    'no-id-professional',
    'credit',
    'masters',
    'executive-education',
    'paid-executive-education',
    'unpaid-executive-education',
    'paid-bootcamp',
    'unpaid-bootcamp',
    'base',
    'distinguished',
)

HTTP_URL_PATTERN = r'^https?://[^/\s?#]+[^\s]*$'
PATH_OR_URL_PATTERN = r'^(/[^\s]*|https?://[^/\s?#]+[^\s]*)$'

_URL_HINT = 'use an absolute http(s) URL, for example https://example.com/tos'
_LOGO_HINT = ('use a path on the LMS starting with "/" (for example '
              '/static/certificates/images/logo.png) or an absolute http(s) URL')


def _string(min_length=1, pattern=None, hint=None):
    node = {'type': 'string', 'minLength': min_length}
    if pattern:
        node['pattern'] = pattern
    if hint:
        node['x-hint'] = hint
    return node


def _default_section_schema():
    props = {}
    for key in REQUIRED_DEFAULT_KEYS:
        props[key] = _string()
    for key in URL_KEYS:
        props[key] = _string(pattern=HTTP_URL_PATTERN, hint=_URL_HINT)
    props['logo_src'] = _string(pattern=PATH_OR_URL_PATTERN, hint=_LOGO_HINT)
    for key in OPTIONAL_DEFAULT_KEYS:
        props[key] = _string(min_length=0)
    return {
        'type': 'object',
        'required': list(REQUIRED_DEFAULT_KEYS),
        'x-missing': ('is required but missing; add it (the certificate page fails '
                      'with a server error without it)'),
        'properties': props,
        'additionalProperties': True,
    }


def _mode_section_schema():
    props = {}
    for key in MODE_KEYS_REQUIRED:
        props[key] = _string()
    for key in MODE_KEYS_OPTIONAL:
        props[key] = _string(min_length=0)
    return {
        'type': 'object',
        'required': list(MODE_KEYS_REQUIRED),
        'properties': props,
        'additionalProperties': True,
    }


def build_schema(allowed_extra_modes=()):
    """Return the JSON Schema (dict) of a configuration.

    ``allowed_extra_modes`` are section names accepted in addition to the
    known course modes (for a custom mode of your installation).
    """
    props = {'default': _default_section_schema()}
    mode_schema = _mode_section_schema()
    for mode in tuple(KNOWN_MODES) + tuple(allowed_extra_modes or ()):
        if mode != 'default':
            props[mode] = mode_schema
    return {
        '$schema': 'https://json-schema.org/draft/2020-12/schema',
        'title': 'Open edX certificate HTML view configuration',
        'type': 'object',
        'required': ['default'],
        'x-missing': ('is required but missing; add a "default" section with '
                      + ', '.join(REQUIRED_DEFAULT_KEYS)),
        'properties': props,
        'additionalProperties': False,
    }


_TYPES = {
    'object': dict,
    'array': list,
    'boolean': bool,
}


def _is_type(value, name):
    if name == 'string':
        try:
            return isinstance(value, basestring)  # noqa: F821 (Python 2)
        except NameError:
            return isinstance(value, str)
    if name in ('integer', 'number'):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


_JSON_TYPE_NAMES = ((bool, 'a boolean'), (dict, 'an object'), (list, 'a list'),
                    (int, 'a number'), (float, 'a number'), (type(None), 'null'))


def _describe(value):
    for kind, name in _JSON_TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return 'a string'


def _join(path, key):
    return '%s.%s' % (path, key)


def _check(node, value, path, problems, extra_modes_word):
    """Check ``value`` against schema ``node``; append (path, message)."""
    want = node.get('type')
    if want and not _is_type(value, want):
        article = 'an' if want[0] in 'aeiou' else 'a'
        problems.append((path, 'must be %s %s, not %s' % (article, want, _describe(value))))
        return
    if want == 'string':
        if len(value) < node.get('minLength', 0):
            problems.append((path, 'must not be empty'))
            return
        pattern = node.get('pattern')
        if pattern and not re.search(pattern, value):
            problems.append((path, '%r is not valid: %s' % (value, node.get('x-hint', 'must match %s' % pattern))))
        return
    if want != 'object':
        return
    props = node.get('properties', {})
    missing = [key for key in node.get('required', ()) if key not in value]
    for key in missing:
        problems.append((_join(path, key), node.get('x-missing', 'is required but missing; add it')))
    for key in sorted(value):
        if key in props:
            _check(props[key], value[key], _join(path, key), problems, extra_modes_word)
            continue
        extra = node.get('additionalProperties', True)
        if extra is False:
            problems.append((_join(path, key), extra_modes_word % key))
        elif isinstance(extra, dict):
            _check(extra, value[key], _join(path, key), problems, extra_modes_word)


def validate_configuration(config, allowed_extra_modes=(), path='configuration'):
    """Return a list of ``(field path, message)`` for everything wrong.

    An empty list means the configuration is usable.
    """
    schema = build_schema(allowed_extra_modes)
    unknown = ('%%r is not a known course mode (known: %s); fix the name, or '
               'list it in allowed_extra_modes if your platform has such a mode'
               % ', '.join(KNOWN_MODES))
    problems = []
    _check(schema, config, path, problems, unknown)
    return problems


def format_problems(problems, what='certificate HTML view configuration'):
    """One message for all problems, each naming its field path."""
    lines = ['%s: %s' % (field, message) for field, message in problems]
    return 'Invalid %s (%d problem%s): %s' % (
        what, len(lines), '' if len(lines) == 1 else 's', '; '.join(lines))


def check_configuration(config, allowed_extra_modes=()):
    """Return None when valid, else the message of ``format_problems``."""
    problems = validate_configuration(config, allowed_extra_modes)
    if problems:
        return format_problems(problems)
    return None
