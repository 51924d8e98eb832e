# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The certificate HTML view configuration: its JSON Schema and its checker.

The Open edX platform stores this configuration as free JSON text in the
``CertificateHtmlViewConfiguration`` model and checks nothing but the JSON
syntax. Its values are merged into the certificate page's template context:
on the 2015 releases the page failed with a server error when ``default``
lacked a key the installation guide lists (later releases guard those keys
and fill the logo and footer links from the site's branding), and whether a
value is escaped on the page depends on the release's templates. This file
says what a usable and harmless configuration looks like, once:

* ``build_schema(allowed_extra_modes)`` returns the JSON Schema (a plain
  dict, draft 2020-12) for a configuration: every key the guide lists is
  required; names and titles are plain text of at most 200 characters with
  no markup characters (``< > " ' ```) and no control characters; URLs are
  absolute http(s) URLs without a user name or password, or site paths
  (``/static/...``), of at most 2,000 characters; CSS class fields hold
  class names; keys the toolkit does not know obey the text rule (or the URL
  rule when their name ends in ``_url`` or ``_src``);
* ``validate_configuration(config, allowed_extra_modes)`` returns a list of
  ``(path, message)`` problems, found by a small checker that understands
  exactly the part of JSON Schema that ``build_schema`` uses (``type``,
  ``required``, ``properties``, ``patternProperties``,
  ``additionalProperties``, ``pattern``, ``minLength``, ``maxLength``), so
  that no second set of rules exists. Each message names the value
  (shortened, a URL's password masked) and the rule it breaks. The unit
  tests run the real ``jsonschema`` package over the same schema to prove
  the schema is valid and that both agree on which fields are wrong;
* ``format_problems(problems)`` turns them into one readable message.

The schema carries extension keywords that jsonschema ignores: ``x-hint``
(the fix to suggest), ``x-kind`` (text, url or class: which message to
give) and ``x-missing`` (the message for a missing key).
"""

from __future__ import absolute_import, division, print_function

import re

__metaclass__ = type

# The keys of the ``default`` section that the installation guide lists as
# required. The certificate templates of the 2015 releases read them
# unconditionally (without one the page failed with a server error); the
# templates of 2023 master guard them, but then show an empty link or the
# branding's default, so the toolkit requires them on every release.
# accomplishment_class_append is in the guide's example and the platform's
# own seed row, and valid.html reads it as well.
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

# Why the toolkit requires keys that the page of current releases does not
# show as they are (lms/djangoapps/certificates/api.py,
# get_certificate_header_context / get_certificate_footer_context, Hawthorn to
# 2023 master; see docs/research/certificate-page-rules.md): the platform
# accepts a configuration without them, so an operator must learn why.
_BRANDED = ('is required but missing; add it: the installation guide lists it, and the 2015 '
            'releases show it, but from Hawthorn on the page always shows the site\'s branding '
            '(its logo and root URL) instead; a logo per mode needs a key of your own theme, '
            'such as certificate_logo_src')
_FOOTER = ('is required but missing; add it: the installation guide lists it, and the page links '
           'to it where the site has no page of its own for it (the site\'s marketing links win '
           'from Hawthorn on; a default LMS has its own /about and /privacy pages)')
MISSING_WHY = {
    'logo_src': _BRANDED,
    'logo_url': _BRANDED,
    'company_about_url': _FOOTER,
    'company_privacy_url': _FOOTER,
    'company_tos_url': _FOOTER,
    'company_verified_certificate_url': ('is required but missing; add it: the installation guide '
                                         'lists it, though no certificate template of Hawthorn to '
                                         '2023 master prints it'),
}

URL_KEYS = (
    'company_about_url',
    'company_privacy_url',
    'company_tos_url',
    'company_verified_certificate_url',
    'logo_url',
)

MODE_KEYS_REQUIRED = ('certificate_type', 'certificate_title')

# Course modes of edx-platform (course_modes.models.CourseMode, all releases
# up to now), plus "base" and "distinguished", two sections of the
# installation guide's example configuration. (The platform's own seed
# migration, certificates 0002, holds only default, honor and verified.)
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

# Limits of what a page field may hold. The certificate page shows names and
# titles in headings and attributes, so anything longer than a line is a
# paste gone wrong; 2,000 characters is what browsers and proxies reliably
# carry in one URL.
MAX_TEXT_LENGTH = 200
MAX_URL_LENGTH = 2000

# Characters that can end the HTML text or attribute a value is written
# into. Whether the page escapes them depends on the release's templates
# (see docs/research/certificate-template-escaping.md), and a value set once
# outlives upgrades and theme overrides, so the toolkit never stores them:
# the value is refused before anything is touched.
MARKUP_CHARACTERS = '<>"\'`'

# C0 and C1 control characters and DEL (category Cc), the line and paragraph
# separators (they end a JavaScript string literal) and the two bidi
# overrides (they make the text shown differ from the text stored).
_CONTROL_CLASS = r'\x00-\x1f\x7f-\x9f\u2028\u2029\u202d\u202e'
_CONTROL_RE = re.compile(r'[%s]' % _CONTROL_CLASS)

# Characters never allowed in a URL the page writes into an attribute:
# white space, markup characters, the backslash (browsers read it as "/")
# and controls.
_URL_BAD_CLASS = r'\s' + MARKUP_CHARACTERS + r'\\' + _CONTROL_CLASS
_URL_BAD_RE = re.compile(r'[%s]' % _URL_BAD_CLASS)

# The patterns below are the rules; they are written in the part of regular
# expression syntax that JSON Schema (ECMA-262) and Python share, so that
# the jsonschema cross-check applies exactly the same ones. Python's "$" also
# matches before a final newline, ECMA's does not: END makes both mean the
# end of the value.
END = r'$(?!\n)'
TEXT_PATTERN = '^[^%s%s]*' % (MARKUP_CHARACTERS, _CONTROL_CLASS) + END
# CSS class lists (accomplishment_class_append, document_body_class_append).
CSS_CLASS_PATTERN = r'^[A-Za-z0-9_ -]*' + END
# An absolute http(s) URL: a host name (no user name or password: the value
# is published on every certificate page), an optional port, then a path,
# query or fragment without the characters above.
_HTTP_URL = r'https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][^%s]*)?' % _URL_BAD_CLASS
# A path on the LMS itself ("/static/..."); "//" or "/\\" would name
# another host.
_SITE_PATH = r'/(?![/\\])[^%s]*' % _URL_BAD_CLASS
HTTP_URL_PATTERN = r'^%s' % _HTTP_URL + END
PATH_OR_URL_PATTERN = r'^(%s|%s)' % (_SITE_PATH, _HTTP_URL) + END
OPTIONAL_PATH_OR_URL_PATTERN = r'^(|%s|%s)' % (_SITE_PATH, _HTTP_URL) + END
URL_PART_PATTERN = r'^[^%s]*' % _URL_BAD_CLASS + END
# Keys beyond the known ones whose name says they hold a URL.
URL_KEY_PATTERN = r'_(url|src)$'

_URL_HINT = 'use an absolute http(s) URL, for example https://example.com/tos'
_LOGO_HINT = ('use a path on the LMS starting with "/" (for example '
              '/static/certificates/images/logo.png) or an absolute http(s) URL')
_TEXT_HINT = ('names and titles may not contain the markup characters %s (write an '
              'apostrophe as \u2019)' % ' '.join(MARKUP_CHARACTERS))
_CLASS_HINT = 'use CSS class names: letters, digits, "-" and "_", separated by spaces'
_URL_PART_HINT = 'use only characters that may stand in a URL'
_EXTRA_HINT = ('a value of the page must be a text without the markup characters %s, '
               'a number, true/false or null' % ' '.join(MARKUP_CHARACTERS))


def _string(min_length=1, pattern=None, hint=None, max_length=MAX_TEXT_LENGTH, kind='text'):
    node = {'type': 'string', 'minLength': min_length, 'maxLength': max_length,
            'pattern': pattern or TEXT_PATTERN, 'x-kind': kind}
    node['x-hint'] = hint or _TEXT_HINT
    return node


def _text():
    return _string()


def _css_class(min_length=0):
    return _string(min_length=min_length, pattern=CSS_CLASS_PATTERN, hint=_CLASS_HINT, kind='class')


def _url(pattern=HTTP_URL_PATTERN, hint=_URL_HINT, min_length=1):
    return _string(min_length=min_length, pattern=pattern, hint=hint, max_length=MAX_URL_LENGTH,
                   kind='url')


def _extra_value():
    """A key the toolkit does not know: the page may read it, so it obeys the text rule."""
    return {'type': ['string', 'number', 'boolean', 'null'], 'maxLength': MAX_URL_LENGTH,
            'pattern': TEXT_PATTERN, 'x-kind': 'text', 'x-hint': _EXTRA_HINT}


def _url_by_name():
    return {URL_KEY_PATTERN: _url(PATH_OR_URL_PATTERN, _LOGO_HINT)}


def _default_section_schema():
    props = {}
    for key in REQUIRED_DEFAULT_KEYS:
        props[key] = _text()
    props['accomplishment_class_append'] = _css_class(min_length=1)
    for key in URL_KEYS:
        props[key] = _url()
    props['logo_src'] = _url(PATH_OR_URL_PATTERN, _LOGO_HINT)
    props['certificate_verify_url_prefix'] = _url(OPTIONAL_PATH_OR_URL_PATTERN, _LOGO_HINT, min_length=0)
    props['certificate_verify_url_suffix'] = _url(URL_PART_PATTERN, _URL_PART_HINT, min_length=0)
    return {
        'type': 'object',
        'required': list(REQUIRED_DEFAULT_KEYS),
        'x-missing': ('is required but missing; add it (the toolkit requires every key the '
                      'installation guide lists: on the 2015 releases the page failed with a '
                      'server error without them, and later releases show an empty or '
                      'example.com link instead)'),
        'x-missing-by-key': MISSING_WHY,
        'properties': props,
        'patternProperties': _url_by_name(),
        'additionalProperties': _extra_value(),
    }


def _mode_section_schema():
    props = {}
    for key in MODE_KEYS_REQUIRED:
        props[key] = _text()
    props['document_body_class_append'] = _css_class()
    return {
        'type': 'object',
        'required': list(MODE_KEYS_REQUIRED),
        'properties': props,
        'patternProperties': _url_by_name(),
        'additionalProperties': _extra_value(),
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
    'null': type(None),
}


def _is_string(value):
    try:
        return isinstance(value, basestring)  # noqa: F821 (Python 2)
    except NameError:
        return isinstance(value, str)


def _is_type(value, name):
    if isinstance(name, list):
        return any(_is_type(value, one) for one in name)
    if name == 'string':
        return _is_string(value)
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


_TYPE_WORDS = {'string': 'a text', 'number': 'a number', 'boolean': 'true/false', 'null': 'null'}


def _want(name):
    if isinstance(name, list):
        return ', '.join(_TYPE_WORDS.get(one, one) for one in name)
    return '%s %s' % ('an' if name[0] in 'aeiou' else 'a', name)


SHOWN_LENGTH = 60


def shown(value):
    """The value as an error may show it: shortened, controls made visible,
    and the user name and password of a URL masked."""
    text = re.sub(r'^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@]*@', r'\1***@', value)
    if len(text) > SHOWN_LENGTH:
        text = '%s... (%d characters)' % (text[:SHOWN_LENGTH], len(value))
    return repr(text).lstrip('u')


def _character(char):
    return '%r (U+%04X)' % (char, ord(char)) if _CONTROL_RE.match(char) else repr(char)


def _string_problem(node, value):
    """Why ``value`` breaks the rules of string node ``node``, or None.

    The checks run from the most to the least specific message, so that an
    operator reads the actual cause (a control character, the length, the
    first markup character) rather than just "does not match".
    """
    if len(value) < node.get('minLength', 0):
        return 'must not be empty'
    control = _CONTROL_RE.search(value)
    if control:
        return ('%s contains the control character %s at position %d; remove it (control '
                'characters, line separators and bidi overrides are refused)'
                % (shown(value), _character(control.group()), control.start()))
    limit = node.get('maxLength')
    if limit is not None and len(value) > limit:
        return '%s is %d characters long; the limit is %d' % (shown(value), len(value), limit)
    pattern = node.get('pattern')
    if not pattern or re.search(pattern, value):
        return None
    hint = node.get('x-hint', 'must match %s' % pattern)
    kind = node.get('x-kind')
    if kind == 'url':
        if re.match(r'^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*@', value):
            return ('%s carries a user name or password; a certificate page shows it to '
                    'everyone, so it is refused: %s' % (shown(value), hint))
        bad = _URL_BAD_RE.search(value)
        if bad:
            return '%s contains %s, which a URL on the page may not hold: %s' % (
                shown(value), _character(bad.group()), hint)
        return '%s is not valid: %s' % (shown(value), hint)
    bad = re.search('[%s]' % MARKUP_CHARACTERS, value)
    if kind == 'text' and bad:
        return ('%s contains the markup character %s; %s (the certificate page of some '
                'releases writes this value without escaping it)'
                % (shown(value), _character(bad.group()), hint))
    return '%s is not valid: %s' % (shown(value), hint)


def _join(path, key):
    return '%s.%s' % (path, key)


def _check(node, value, path, problems, extra_modes_word):
    """Check ``value`` against schema ``node``; append (path, message)."""
    want = node.get('type')
    if want and not _is_type(value, want):
        problems.append((path, 'must be %s, not %s' % (_want(want), _describe(value))))
        return
    if _is_string(value):
        problem = _string_problem(node, value)
        if problem:
            problems.append((path, problem))
        return
    if not isinstance(value, dict):
        return
    props = node.get('properties', {})
    by_name = node.get('patternProperties', {})
    missing = [key for key in node.get('required', ()) if key not in value]
    for key in missing:
        why = node.get('x-missing-by-key', {}).get(key) or node.get('x-missing', 'is required but missing; add it')
        problems.append((_join(path, key), why))
    for key in sorted(value):
        # JSON Schema applies both "properties" and every matching
        # "patternProperties"; "additionalProperties" only to keys neither names.
        matched = [by_name[p] for p in sorted(by_name) if re.search(p, key)]
        if key in props:
            matched.insert(0, props[key])
        before = len(problems)
        for sub in matched:
            if len(problems) == before:
                _check(sub, value[key], _join(path, key), problems, extra_modes_word)
        if matched:
            continue
        extra = node.get('additionalProperties', True)
        if extra is False:
            problems.append((_join(path, key), extra_modes_word % key))
        elif isinstance(extra, dict):
            _check(extra, value[key], _join(path, key), problems, extra_modes_word)


def validate_configuration(config, allowed_extra_modes=()):
    """Return a list of ``(field path, message)`` for everything wrong.

    An empty list means the configuration is usable.
    """
    schema = build_schema(allowed_extra_modes)
    unknown = ('%%r is not a known course mode (known: %s); fix the name, or '
               'list it in allowed_extra_modes if your platform has such a mode'
               % ', '.join(KNOWN_MODES))
    problems = []
    _check(schema, config, 'configuration', problems, unknown)
    return problems


def format_problems(problems):
    """One message for all problems, each naming its field path."""
    lines = ['%s: %s' % (field, message) for field, message in problems]
    return 'Invalid certificate HTML view configuration (%d problem%s): %s' % (
        len(lines), '' if len(lines) == 1 else 's', '; '.join(lines))
