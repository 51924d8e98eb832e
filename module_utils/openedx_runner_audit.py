# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Audit-track ops for the platform runner (see ``openedx_runner``).

``AUDIT_SOURCE`` is Python source text (2.7 and 3.5+ compatible, ASCII)
added to the runner with ``run_platform_ops(..., extra_sources=[AUDIT_SOURCE])``.

``audit_courses(include_ended=False)``
    The courses that offer an audit track (a ``course_modes`` row with
    ``mode_slug`` ``audit``) and are still running (course end in the
    future, or no end at all), read from the course overviews. For each:
    ``course_id``, ``display_name``, ``end`` (ISO 8601, UTC, or null),
    ``end_date`` (``YYYY-MM-DD`` in UTC, or null), ``audit_learners``
    (active enrollments in the audit mode), ``audit_learners_total``
    (active or not). Also ``now`` (the platform's clock, ISO 8601 UTC),
    ``today`` (its UTC date), ``current_cutoff`` (``AUDIT_CERT_CUTOFF_DATE``
    as this process's settings read it, ISO 8601, or null),
    ``ended_audit_courses`` (how many audit courses have ended) and
    ``missing_overviews`` (course ids with an audit mode but no course
    overview: they are left out; the platform cannot show them either).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

AUDIT_SOURCE = r'''
# openedx-toolkit audit-track ops (Python 2.7 and 3.5+).

def _audit_required_model(app_label, name):
    from django.apps import apps
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        raise OpError('this platform has no %s.%s model' % (app_label, name))


import datetime as _audit_datetime


class _AuditUTC(_audit_datetime.tzinfo):
    """UTC, for Python 2.7 (no datetime.timezone) and Django 5 (no timezone.utc)."""

    def utcoffset(self, value):
        return _audit_datetime.timedelta(0)

    def tzname(self, value):
        return 'UTC'

    def dst(self, value):
        return _audit_datetime.timedelta(0)


def _audit_utc_tz():
    return _AuditUTC()


def _audit_utc(value):
    if value is None:
        return None
    from django.utils import timezone
    utc = _audit_utc_tz()
    if timezone.is_naive(value):
        value = timezone.make_aware(value, utc)
    return value.astimezone(utc)


@register_op('audit_courses')
def op_audit_courses(include_ended=False):
    from django.conf import settings
    from django.utils import timezone
    mode_model = _audit_required_model('course_modes', 'CourseMode')
    overview_model = _audit_required_model('course_overviews', 'CourseOverview')
    enrollment_model = _audit_required_model('student', 'CourseEnrollment')
    now = _audit_utc(timezone.now())
    keys = sorted(set(mode_model.objects.filter(mode_slug='audit').values_list('course_id', flat=True)),
                  key=lambda key: _text(key))
    courses = []
    missing = []
    ended = 0
    for key in keys:
        overview = overview_model.objects.filter(id=key).first()
        if overview is None:
            missing.append(_text(key))
            continue
        end = _audit_utc(overview.end)
        running = end is None or end > now
        if not running:
            ended += 1
            if not include_ended:
                continue
        audit = enrollment_model.objects.filter(course_id=key, mode='audit')
        courses.append({
            'course_id': _text(key),
            'display_name': overview.display_name,
            'end': end.isoformat() if end is not None else None,
            'end_date': end.strftime('%Y-%m-%d') if end is not None else None,
            'running': running,
            'audit_learners': audit.filter(is_active=True).count(),
            'audit_learners_total': audit.count(),
        })
    current = getattr(settings, 'AUDIT_CERT_CUTOFF_DATE', None)
    return {
        'courses': courses,
        'now': now.isoformat(),
        'today': now.strftime('%Y-%m-%d'),
        'current_cutoff': current.isoformat() if hasattr(current, 'isoformat') else current,
        'ended_audit_courses': ended,
        'missing_overviews': missing,
    }
'''
