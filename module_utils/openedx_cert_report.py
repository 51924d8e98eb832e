# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The certificate report of a course: parse ``gen_cert_report``, shape figures.

``gen_cert_report -c COURSE`` (every release up to Koa; removed in Lilac) prints::

    Looking up certificate states for COURSE
                     course ID   audit_enrolled     downloadable enrolled_current ...
    COURSE                1                2                3 ...

i.e. a header line (``course ID`` then one key per column, sorted) and one
data line (the course id then one value per key). Older releases (2015)
separate the columns with single spaces; later ones pad them to 26/16
characters, and a long course id or the 17-character ``verified_enrolled``
overflows its column. The parser therefore splits on whitespace (course ids
and keys contain none; the header's ``course ID`` is two words) and never
relies on column positions.

The keys of that one flat mapping are of three kinds, and the parser sorts
them by name, because the command puts them all in one dict:

* the five fixed ones, ``ENROLLMENT_KEYS``. Beware of the platform's naming:
  ``enrolled_current`` (active enrollments) and ``enrolled_total`` (all
  enrollments) count users; ``verified_enrolled``, ``honor_enrolled`` and
  ``audit_enrolled`` count *certificate rows* of that mode (any status),
  not enrollments;
* certificate statuses (``CERTIFICATE_STATUSES``, the fixed list of
  ``CertificateStatuses``): number of certificate rows with that status;
* anything else is a certificate mode: number of *downloadable*
  certificates of that mode (the command adds one key per mode found among
  downloadable rows, and modes are an open list: ``credit``, custom modes...).

No key can be both a status and a mode in the platform's lists.

The shaped report (``build_report``) is::

    {"course_id": "course-v1:edX+DemoX+Demo_Course",   # as asked
     "reported_course_id": "...",                      # as the command printed it
     "source": "gen_cert_report" | "orm",
     "enrolled_current": 3, "enrolled_total": 4,
     "verified_enrolled": 0, "honor_enrolled": 2, "audit_enrolled": 1,
     "statuses": {"downloadable": 2, "notpassing": 1},  # only statuses present
     "downloadable_by_mode": {"honor": 2},              # only modes present
     "certificates_total": 3,                          # sum of statuses
     "warnings": []}

The ORM path (``openedx_runner_certs`` op ``cert_report``) produces the
same flat mapping as the command, so both go through ``build_report``.
"""

from __future__ import absolute_import, division, print_function

import re

__metaclass__ = type

ENROLLMENT_KEYS = ('enrolled_current', 'enrolled_total', 'verified_enrolled',
                   'honor_enrolled', 'audit_enrolled')

CERTIFICATE_STATUSES = ('deleted', 'deleting', 'downloadable', 'error', 'generating',
                        'notpassing', 'restricted', 'unavailable', 'auditing',
                        'audit_passing', 'audit_notpassing', 'honor_passing',
                        'unverified', 'invalidated', 'requesting')

HEADER_START = ('course', 'ID')
_INT_RE = re.compile(r'^-?\d+$')
_KEY_RE = re.compile(r'^[A-Za-z0-9_\-]+$')


class ReportParseError(ValueError):
    """The text is not a gen_cert_report output this parser understands."""


_EXCERPT_LENGTH = 400


def _excerpt(text):
    text = (text or '').strip()
    if len(text) > _EXCERPT_LENGTH:
        text = text[:_EXCERPT_LENGTH] + '...'
    return text


def parse_gen_cert_report(text):
    """Parse the standard output of ``gen_cert_report``.

    Returns ``(reported_course_id, flat)``: the course id printed on the
    data line and ``{key: int}`` for every column. Raises ReportParseError
    with a readable reason when the text has no header/data pair, when the
    numbers of keys and values differ, or when a value is not an integer.
    """
    lines = [line.rstrip('\r') for line in (text or '').splitlines()]
    header_index = None
    for index, line in enumerate(lines):
        tokens = line.split()
        if tuple(tokens[:2]) == HEADER_START:
            header_index = index
    if header_index is None:
        raise ReportParseError('no header line starting with "course ID" in the '
                               'gen_cert_report output: %r' % _excerpt(text))
    keys = lines[header_index].split()[2:]
    data_tokens = None
    for line in lines[header_index + 1:]:
        if line.strip():
            data_tokens = line.split()
            break
    if data_tokens is None:
        raise ReportParseError('the gen_cert_report output ends after its header line; '
                               'no data line: %r' % _excerpt(text))
    if not keys:
        raise ReportParseError('the gen_cert_report header has no columns after "course ID"')
    for key in keys:
        if not _KEY_RE.match(key):
            raise ReportParseError('unexpected column name %r in the gen_cert_report header' % key)
    if len(set(keys)) != len(keys):
        raise ReportParseError('duplicate column names in the gen_cert_report header: %s'
                               % ' '.join(keys))
    reported_course_id, values = data_tokens[0], data_tokens[1:]
    if len(values) != len(keys):
        raise ReportParseError(
            'the gen_cert_report header has %d columns (%s) but the data line has %d values '
            '(%s); the report cannot be read reliably' % (
                len(keys), ' '.join(keys), len(values), ' '.join(values)))
    flat = {}
    for key, value in zip(keys, values):
        if not _INT_RE.match(value):
            raise ReportParseError('column %s of the gen_cert_report data line is %r, not a '
                                   'number' % (key, value))
        flat[key] = int(value)
    return reported_course_id, flat


def classify_key(key):
    """'enrollment', 'status' or 'mode' (see the module docstring)."""
    if key in ENROLLMENT_KEYS:
        return 'enrollment'
    if key in CERTIFICATE_STATUSES:
        return 'status'
    return 'mode'


def build_report(course_id, flat, source, reported_course_id=None):
    """Shape a flat ``{key: count}`` mapping into the report dict documented above."""
    report = {
        'course_id': course_id,
        'reported_course_id': reported_course_id if reported_course_id is not None else course_id,
        'source': source,
        'statuses': {},
        'downloadable_by_mode': {},
        'warnings': [],
    }
    for key in ENROLLMENT_KEYS:
        report[key] = None
    for key in sorted(flat):
        value = flat[key]
        kind = classify_key(key)
        if kind == 'enrollment':
            report[key] = value
        elif kind == 'status':
            report['statuses'][key] = value
        else:
            report['downloadable_by_mode'][key] = value
    for key in ENROLLMENT_KEYS:
        if report[key] is None:
            report['warnings'].append('the %s report has no %s column' % (source, key))
    report['certificates_total'] = sum(report['statuses'].values())
    downloadable = report['statuses'].get('downloadable', 0)
    by_mode = sum(report['downloadable_by_mode'].values())
    if by_mode != downloadable:
        report['warnings'].append(
            'downloadable certificates by mode add up to %d but %d are downloadable'
            % (by_mode, downloadable))
    return report


def report_from_output(course_id, text):
    """Parse ``gen_cert_report`` output and shape it (``source: gen_cert_report``)."""
    reported, flat = parse_gen_cert_report(text)
    report = build_report(course_id, flat, 'gen_cert_report', reported_course_id=reported)
    return report
