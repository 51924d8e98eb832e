# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The certificate generation policy and course modes: what may be asked,
checked before the platform is started.

The platform facts (docs/research/release-redwood.md 2.1, 2.4, 3 and
docs/research/release-ulmo-verawood.md 2.2, 2.3):

* the waffle switch ``certificates.auto_certificate_generation``
  (lms/djangoapps/certificates/config.py, a django-waffle ``Switch``, table
  ``waffle_switch``; off without a row) gates generation when a learner
  passes, on allowlist saves and on ID verification;
* ``CertificateGenerationConfiguration`` (models.py, a django-config-models
  ConfigurationModel: append-only rows, the newest is in force) is the
  site-wide half of learner self-generation;
* ``CertificateGenerationCourseSetting`` (models.py, rows per course, the
  latest by ``created`` counts) holds ``self_generation_enabled``,
  ``language_specific_templates_enabled`` (both default false) and
  ``include_hours_of_effort`` (null);
* ``CourseMode`` (common/djangoapps/course_modes/models.py, table
  ``course_modes_coursemode``, unique on course, ``mode_slug`` and
  ``currency``): a course without rows offers only the default mode
  ``audit`` (``COURSE_MODE_DEFAULTS``), and ``is_eligible_for_certificate``
  says audit never earns a certificate. Professional modes may not have an
  expiration (its ``clean()``).

``check_policy(...)`` returns ``(wanted, problems)``: the normalised request
for the runner ops of ``openedx_runner_policy`` and a list of
``(field, message)``, each naming the field (with ``names_prefix``, the
role's variable) and the fix. Nothing here touches a host.
"""

from __future__ import absolute_import, division, print_function

import datetime
import re

from ansible.module_utils.openedx_course_key import validate_course_id

__metaclass__ = type

AUTO_GENERATION_SWITCH = 'certificates.auto_certificate_generation'

# Every course mode slug of course_modes/models.py but audit: all of them
# can earn a certificate (is_eligible_for_certificate).
CERTIFICATE_MODES = (
    'honor', 'verified', 'professional', 'no-id-professional', 'credit', 'masters',
    'executive-education', 'paid-executive-education', 'unpaid-executive-education',
    'paid-bootcamp', 'unpaid-bootcamp',
)
NEVER_CERTIFICATE_MODES = ('audit',)
PROFESSIONAL_MODES = ('professional', 'no-id-professional')

# The display name a new mode gets when none is given.
DEFAULT_DISPLAY_NAMES = {
    'honor': 'Honor',
    'verified': 'Verified Certificate',
    'professional': 'Professional Education',
    'no-id-professional': 'Professional Education',
    'credit': 'Credit',
    'masters': "Master's",
    'executive-education': 'Executive Education',
    'paid-executive-education': 'Paid Executive Education',
    'unpaid-executive-education': 'Unpaid Executive Education',
    'paid-bootcamp': 'Paid Bootcamp',
    'unpaid-bootcamp': 'Unpaid Bootcamp',
}

# Field -> (kind, default at creation). Only the fields given are compared
# and written on an existing row; a new row gets the defaults for the rest.
MODE_FIELDS = {
    'mode_display_name': ('text255', None),
    'min_price': ('price', 0),
    'currency': ('currency', 'usd'),
    'expiration_datetime': ('datetime', None),
    'description': ('text_or_null', None),
    'sku': ('text255_or_null', None),
    'bulk_sku': ('text255_or_null', None),
    'suggested_prices': ('prices', ''),
}
MODE_STATES = ('present', 'absent')

COURSE_SETTING_FIELDS = {
    'self_generation_enabled': 'bool',
    'language_specific_templates_enabled': 'bool',
    'include_hours_of_effort': 'bool_or_null',
}

_CURRENCY_RE = re.compile(r'^[a-z]{1,8}\Z')
_PRICES_RE = re.compile(r'^(\d+(,\d+)*)?\Z')
_DATETIME_RE = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})\Z')


def _is_bool(value):
    return isinstance(value, bool)


def parse_datetime(value):
    """``2027-06-30T23:59:00Z`` (or an offset) -> ISO 8601 text in UTC, or
    raise ValueError. A time without a zone is refused: the platform stores
    UTC, and a guess would move the deadline."""
    match = _DATETIME_RE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError('must be a date and time with a time zone, such as 2027-06-30T23:59:00Z or '
                         '2027-06-30T23:59:00+02:00')
    year, month, day, hour, minute = [int(match.group(i)) for i in range(1, 6)]
    second = int(match.group(6) or 0)
    zone = match.group(7)
    moment = datetime.datetime(year, month, day, hour, minute, second)
    if zone != 'Z':
        sign = 1 if zone[0] == '+' else -1
        moment -= sign * datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return moment.strftime('%Y-%m-%dT%H:%M:%S+00:00')


def _check_value(kind, value):
    """None when ``value`` fits ``kind``, else the rule it breaks."""
    if kind == 'bool':
        return None if _is_bool(value) else 'must be true or false'
    if kind == 'bool_or_null':
        return None if value is None or _is_bool(value) else 'must be true, false or null'
    if kind in ('text255', 'text255_or_null', 'text_or_null'):
        if value is None and kind != 'text255':
            return None
        if not isinstance(value, str) or not value.strip():
            return 'must be a non-empty string' + (' or null' if kind != 'text255' else '')
        if kind != 'text_or_null' and len(value) > 255:
            return 'must hold at most 255 characters (the column is 255 wide)'
        if any(ord(char) < 32 for char in value if char not in '\n\t'):
            return 'must not hold control characters'
        return None
    if kind == 'price':
        if _is_bool(value) or not isinstance(value, int) or value < 0:
            return 'must be a whole number of the currency, 0 or more'
        return None
    if kind == 'currency':
        if not isinstance(value, str) or not _CURRENCY_RE.match(value):
            return 'must be a lower-case currency code of at most 8 letters, such as usd'
        return None
    if kind == 'prices':
        if not isinstance(value, str) or not _PRICES_RE.match(value) or len(value) > 255:
            return 'must be whole prices separated by commas, such as 10,20,50 (or empty)'
        return None
    if kind == 'datetime':
        if value is None:
            return None
        try:
            parse_datetime(value)
        except ValueError as exc:
            return str(exc)
        return None
    raise AssertionError(kind)


def _check_courses_mapping(value, name, problems):
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append((name, 'must be a mapping of course id to settings, not %s' % type(value).__name__))
        return {}
    good = {}
    for course_id in sorted(value, key=str):
        why = validate_course_id(course_id)
        if why:
            problems.append(('%s[%r]' % (name, course_id), why))
            continue
        good[course_id] = value[course_id]
    return good


def _check_course_settings(value, name, problems):
    wanted = {}
    for course_id, settings in _check_courses_mapping(value, name, problems).items():
        field = '%s[%r]' % (name, course_id)
        if not isinstance(settings, dict) or not settings:
            problems.append((field, 'must be a mapping of at least one of %s'
                             % ', '.join(sorted(COURSE_SETTING_FIELDS))))
            continue
        clean = {}
        for key in sorted(settings, key=str):
            if key not in COURSE_SETTING_FIELDS:
                problems.append(('%s.%s' % (field, key), 'is not a setting of CertificateGenerationCourseSetting; '
                                 'use %s' % ', '.join(sorted(COURSE_SETTING_FIELDS))))
                continue
            why = _check_value(COURSE_SETTING_FIELDS[key], settings[key])
            if why:
                problems.append(('%s.%s' % (field, key), why))
                continue
            clean[key] = settings[key]
        wanted[course_id] = clean
    return wanted


def _check_mode(field, slug, entry, problems):
    """One mode of one course -> the op's form, or None (problems appended)."""
    if slug in NEVER_CERTIFICATE_MODES:
        problems.append((field, 'the %s mode can never earn a certificate (the platform\'s '
                         'is_eligible_for_certificate refuses it on every release since Maple): list the modes the '
                         'course should certify, such as honor or verified; a course without modes offers only '
                         'audit' % slug))
        return None
    if slug not in CERTIFICATE_MODES:
        problems.append((field, 'is not a course mode of the platform; certificate modes are %s'
                         % ', '.join(CERTIFICATE_MODES)))
        return None
    if entry is None:
        entry = {}
    if not isinstance(entry, dict):
        problems.append((field, 'must be a mapping of mode fields (or empty for the defaults)'))
        return None
    state = entry.get('state', 'present')
    if state not in MODE_STATES:
        problems.append((field + '.state', 'must be present or absent'))
        return None
    given = {}
    bad = False
    for key in sorted(entry, key=str):
        if key == 'state':
            continue
        if key not in MODE_FIELDS:
            problems.append(('%s.%s' % (field, key), 'is not a field of a course mode; use %s or state'
                             % ', '.join(sorted(MODE_FIELDS))))
            bad = True
            continue
        why = _check_value(MODE_FIELDS[key][0], entry[key])
        if why:
            problems.append(('%s.%s' % (field, key), why))
            bad = True
            continue
        value = entry[key]
        if key == 'expiration_datetime' and value is not None:
            value = parse_datetime(value)
        given[key] = value
    if bad:
        return None
    if state == 'present' and slug in PROFESSIONAL_MODES and given.get('expiration_datetime'):
        problems.append((field + '.expiration_datetime', 'a professional mode may not have an expiration '
                         '(the platform\'s CourseMode.clean refuses it); leave it out or null'))
        return None
    if state == 'absent':
        # Which rows to delete: the slug's, in one currency when given.
        return {'mode_slug': slug, 'state': 'absent', 'currency': given.get('currency')}
    create = dict((key, default) for key, (_kind, default) in MODE_FIELDS.items())
    create['mode_display_name'] = DEFAULT_DISPLAY_NAMES[slug]
    create.update(given)
    return {'mode_slug': slug, 'state': 'present', 'currency': create['currency'], 'given': given,
            'create': create}


def _check_course_modes(value, name, problems):
    wanted = {}
    for course_id, modes in _check_courses_mapping(value, name, problems).items():
        field = '%s[%r]' % (name, course_id)
        if not isinstance(modes, dict) or not modes:
            problems.append((field, 'must be a mapping of mode slug (honor, verified, ...) to its fields'))
            continue
        entries = []
        for slug in sorted(modes, key=str):
            entry = _check_mode('%s.%s' % (field, slug), slug, modes[slug], problems)
            if entry is not None:
                entries.append(entry)
        wanted[course_id] = entries
    return wanted


def check_policy(auto_generation=None, self_generation=None, course_settings=None, course_modes=None,
                 names_prefix=''):
    """(wanted, problems) for the runner op ``certificate_policy``."""
    problems = []
    for option, value in (('auto_generation', auto_generation), ('self_generation', self_generation)):
        if value is not None and not _is_bool(value):
            problems.append((names_prefix + option, 'must be true, false or null (null leaves it as it is)'))
    wanted = {
        'auto_generation': auto_generation if _is_bool(auto_generation) else None,
        'self_generation': self_generation if _is_bool(self_generation) else None,
        'course_settings': _check_course_settings(course_settings, names_prefix + 'course_settings', problems),
        'course_modes': _check_course_modes(course_modes, names_prefix + 'course_modes', problems),
    }
    return wanted, problems


def is_empty(wanted):
    """Whether the request asks for nothing."""
    return (wanted['auto_generation'] is None and wanted['self_generation'] is None
            and not wanted['course_settings'] and not wanted['course_modes'])


def format_problems(problems):
    return 'the generation policy cannot be used:\n' + '\n'.join('  %s: %s' % item for item in problems)
