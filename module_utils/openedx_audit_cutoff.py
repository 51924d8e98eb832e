# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit-track cutoff decision, as pure functions (no platform, no I/O).

``AUDIT_CERT_CUTOFF_DATE`` (releases up to Lilac; removed in Maple): audit-track
learners whose certificate row is created on or after that date get status
``audit_passing`` / ``audit_notpassing`` instead of a certificate. Setting
it while a course that offers an audit track is still running takes the
certificate away from that course's audit learners before the course ends.
So the safe cutoff is the day after the furthest end date of the running
audit courses; an earlier date is refused unless forced.

``plan_cutoff(courses, today, requested=None, force=False)`` returns the
finding and the decision; ``parse_cutoff_date(text)`` checks an operator's
date.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

_DATE_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})$')


class CutoffError(ValueError):
    """A date or course list the decision cannot use; the message says why."""


def parse_cutoff_date(text, field='cutoff_date'):
    """A ``datetime.date`` from ``YYYY-MM-DD``; CutoffError naming the field otherwise."""
    if isinstance(text, datetime.datetime):
        return text.date()
    if isinstance(text, datetime.date):
        return text
    value = '' if text is None else str(text).strip()
    match = _DATE_RE.match(value)
    if not match:
        raise CutoffError('%s: %r is not a date in the form YYYY-MM-DD (for example 2031-07-01)'
                          % (field, text))
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise CutoffError('%s: %s is not a real date (%s); give an existing day as YYYY-MM-DD'
                          % (field, value, exc))


def _end_date(course):
    value = course.get('end_date')
    if value in (None, ''):
        return None
    return parse_cutoff_date(value, 'end_date of %s' % course.get('course_id'))


def describe(course):
    """'course-v1:X+Y+Z (ends 2031-06-30)' or '... (no end date)'."""
    end = course.get('end_date')
    return '%s (%s)' % (course.get('course_id'), ('ends %s' % end) if end else 'no end date')


def affected_courses(courses, cutoff):
    """Running audit courses whose audit learners lose certificates early with ``cutoff``:
    those without an end date, and those ending on or after the cutoff day."""
    cutoff = parse_cutoff_date(cutoff)
    hit = []
    for course in courses:
        end = _end_date(course)
        if end is None or end >= cutoff:
            hit.append(course)
    # No end date first, then the latest end: the worst hit first.
    return sorted(hit, key=lambda c: (_end_date(c) is None, _end_date(c) or datetime.date.min),
                  reverse=True)


def plan_cutoff(courses, today, requested=None, force=False):
    """The finding and the decision.

    ``courses``: dicts with ``course_id``, ``end_date`` (``YYYY-MM-DD`` or
    None for no end) and ``audit_learners``: the RUNNING courses that offer
    an audit track. ``today``: date or ``YYYY-MM-DD``. ``requested``: the
    operator's date or None (then the proposal is used).

    Returns a dict: ``furthest_end`` (date text or None), ``open_ended``
    (course ids without an end date), ``proposed`` (the day after the
    furthest end; today when no running course offers an audit track; None
    when one has no end date), ``cutoff`` (the date to set, or None),
    ``source`` (``requested`` / ``proposed``), ``affected`` (courses that
    would lose certificates early), ``refused`` (bool), ``forced`` (bool),
    ``msg``. Raises CutoffError for a malformed date.
    """
    today = parse_cutoff_date(today, 'today')
    wanted = parse_cutoff_date(requested) if requested not in (None, '') else None
    ends = [(_end_date(c), c) for c in courses]
    open_ended = sorted(c.get('course_id') for end, c in ends if end is None)
    dated = [end for end, c in ends if end is not None]
    furthest = max(dated) if dated else None
    if open_ended:
        proposed = None
    elif furthest is not None:
        proposed = furthest + datetime.timedelta(days=1)
    else:
        proposed = today
    plan = {
        'furthest_end': furthest.isoformat() if furthest else None,
        'open_ended': open_ended,
        'proposed': proposed.isoformat() if proposed else None,
        'cutoff': None, 'source': None, 'affected': [], 'refused': False, 'forced': False,
        'msg': '',
    }
    if wanted is None and proposed is None:
        plan['refused'] = True
        plan['msg'] = ('no cutoff date can be proposed: running course(s) with an audit track and '
                       'no end date: %s. Give the end date to those courses, or choose a date with '
                       'cutoff_date=YYYY-MM-DD and force=true (their audit learners get no '
                       'certificate from that date on)' % ', '.join(open_ended))
        plan['affected'] = [c for end, c in ends if end is None]
        return plan
    cutoff = wanted if wanted is not None else proposed
    plan['cutoff'] = cutoff.isoformat()
    plan['source'] = 'requested' if wanted is not None else 'proposed'
    hit = affected_courses(courses, cutoff)
    plan['affected'] = hit
    if hit and not force:
        plan['refused'] = True
        plan['msg'] = ('cutoff_date %s is too early: the audit learners of %d running course(s) would '
                       'get audit_passing/audit_notpassing instead of a certificate before their course '
                       'ends: %s. Use %s or later (the day after the furthest end date), or force=true '
                       'to set it anyway'
                       % (cutoff.isoformat(), len(hit), '; '.join(describe(c) for c in hit),
                          plan['proposed'] or 'a date after every end date'))
    elif hit:
        plan['forced'] = True
        plan['msg'] = ('cutoff_date %s forced: the audit learners of %s lose certificates from that date on'
                       % (cutoff.isoformat(), '; '.join(describe(c) for c in hit)))
    else:
        plan['msg'] = ('cutoff_date %s (%s): after the end of every running course with an audit track'
                       % (cutoff.isoformat(), plan['source']))
    return plan


def finding_table(courses):
    """Text table: course, end date, audit learners (furthest end first)."""
    rows = [('course', 'end date', 'audit learners')]
    ordered = sorted(courses, key=lambda c: (c.get('end_date') is None, c.get('end_date') or '',
                                             c.get('course_id')), reverse=True)
    for course in ordered:
        rows.append((course.get('course_id'), course.get('end_date') or 'none',
                     str(course.get('audit_learners', ''))))
    if len(rows) == 1:
        rows.append(('(no running course offers an audit track)', '', ''))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ['%s  %s  %s' % (row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]))
             for row in rows]
    lines.insert(1, '  '.join('-' * w for w in widths))
    return [line.rstrip() for line in lines]
