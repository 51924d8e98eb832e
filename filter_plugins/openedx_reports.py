# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn certificate reports into files and text for the operator.

A report is the dict that ``openedx_cert_report`` returns per course (see
``module_utils/openedx_cert_report.py``). Every filter takes one report or a
list of them.

``openedx_report_csv``     CSV text, one row per course, a fixed column set
                           first then ``status:S``, ``downloadable:MODE`` and
                           ``enrolled_mode:MODE`` columns for what appears.
``openedx_report_table``   a fixed-width table, one row per figure and one
                           column per course (plus a total column for several).
``openedx_report_totals``  one report summing several courses (course_id ``ALL``).
``openedx_generation_table``  a table of the ``courses`` result of
                           ``openedx_generate_certs`` (status counts before/after), then the
                           learners by step and reason (left out before publishing, sent,
                           published, set in the platform process, declined), each reason
                           marked read or inferred from the module's ``reasons``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io

from ansible.errors import AnsibleFilterError

FIXED_COLUMNS = ('course_id', 'source', 'enrolled_current', 'enrolled_total',
                 'verified_enrolled', 'honor_enrolled', 'audit_enrolled', 'certificates_total')
COUNT_KEYS = FIXED_COLUMNS[2:]
SECTIONS = (('statuses', 'status'), ('downloadable_by_mode', 'downloadable'),
            ('enrollments_by_mode', 'enrolled_mode'))


def _as_list(reports):
    if isinstance(reports, dict):
        if 'reports' in reports and isinstance(reports['reports'], list):
            return list(reports['reports'])
        return [reports]
    if isinstance(reports, (list, tuple)):
        for item in reports:
            if not isinstance(item, dict):
                raise AnsibleFilterError('openedx report filters take report dicts, got %r' % (item,))
        return list(reports)
    raise AnsibleFilterError('openedx report filters take a report dict or a list of them, '
                             'got %s' % type(reports).__name__)


def _section_keys(reports, section):
    keys = set()
    for report in reports:
        keys.update((report.get(section) or {}).keys())
    return sorted(keys)


def _num(value):
    return 0 if value is None else value


def report_totals(reports):
    """Sum several course reports into one (course_id ALL)."""
    reports = _as_list(reports)
    total = {'course_id': 'ALL', 'source': ','.join(sorted(set(str(r.get('source')) for r in reports))),
             'courses': [r.get('course_id') for r in reports]}
    for key in COUNT_KEYS:
        total[key] = sum(_num(r.get(key)) for r in reports)
    for section, _prefix in SECTIONS:
        merged = {}
        for report in reports:
            for key, value in (report.get(section) or {}).items():
                merged[key] = merged.get(key, 0) + _num(value)
        total[section] = merged
    return total


def report_csv(reports):
    """CSV text (header + one row per course), RFC 4180 quoting, \\n line ends."""
    reports = _as_list(reports)
    columns = list(FIXED_COLUMNS)
    extra = []
    for section, prefix in SECTIONS:
        for key in _section_keys(reports, section):
            extra.append((section, key, '%s:%s' % (prefix, key)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(columns + [name for _s, _k, name in extra])
    for report in reports:
        row = [report.get(col) if col in ('course_id', 'source') else _num(report.get(col))
               for col in columns]
        row += [_num((report.get(section) or {}).get(key)) for section, key, _n in extra]
        writer.writerow(row)
    return out.getvalue()


def _rows(reports):
    rows = [(key, [r.get(key) for r in reports]) for key in COUNT_KEYS]
    for section, prefix in SECTIONS:
        for key in _section_keys(reports, section):
            rows.append(('%s:%s' % (prefix, key), [(r.get(section) or {}).get(key, 0) for r in reports]))
    return rows


def _render(headers, rows):
    widths = [max(len(str(headers[i])), *(len(str(row[i])) for row in rows)) if rows else len(str(headers[i]))
              for i in range(len(headers))]
    lines = []
    fmt_cells = []
    for i, header in enumerate(headers):
        fmt_cells.append(str(header).ljust(widths[i]) if i == 0 else str(header).rjust(widths[i]))
    lines.append('  '.join(fmt_cells).rstrip())
    lines.append('  '.join('-' * w for w in widths))
    for row in rows:
        cells = [str(row[0]).ljust(widths[0])] + [
            ('-' if v is None else str(v)).rjust(widths[i + 1]) for i, v in enumerate(row[1:])]
        lines.append('  '.join(cells).rstrip())
    return '\n'.join(lines) + '\n'


def report_table(reports):
    """A fixed-width table: figures as rows, courses as columns (+ total for several)."""
    reports = _as_list(reports)
    if not reports:
        return '(no reports)\n'
    shown = list(reports)
    if len(reports) > 1:
        shown.append(report_totals(reports))
    headers = ['figure'] + [r.get('course_id') for r in shown]
    rows = [[name] + values for name, values in _rows(shown)]
    return _render(headers, rows)


# What a status the platform set in its own process says about the learner (generation_handler.py).
IN_PROCESS_REASONS = {'unavailable': 'invalidated', 'notpassing': 'not_passing',
                      'unverified': 'id_verification_missing'}


def _how(reasons, name):
    return ((reasons or {}).get(name) or {}).get('how', '')


def learner_rows(cid, entry, reasons=None):
    """Rows (course, step, reason, detail, learners, how) of one course: who was sent, who was left
    out and why, what the platform did with those sent."""
    rows = []
    selection = entry.get('selection')
    generation = entry.get('generation') or {}
    if not selection and not generation.get('outcomes'):
        return rows
    enrollments = entry.get('enrollments') or {}
    if enrollments.get('total') is not None:
        rows.append([cid, 'enrolled', '', '', enrollments.get('total'), ''])
    for reason in sorted((selection or {}).get('left_out') or {}):
        for detail, count in sorted(selection['left_out'][reason].items()):
            rows.append([cid, 'left out', reason, detail, count, _how(reasons, reason)])
    if selection:
        rows.append([cid, 'sent', '', '', selection.get('selected'), ''])
    outcomes = generation.get('outcomes') or {}
    for status, count in sorted((outcomes.get('published') or {}).items()):
        reason = 'id_verification_missing' if status == 'unverified' else ''
        rows.append([cid, 'task published', reason, status, count, _how(reasons, reason) if reason else ''])
    for status, count in sorted((outcomes.get('decided_in_process') or {}).items()):
        reason = IN_PROCESS_REASONS.get(status, '')
        rows.append([cid, 'set in process', reason, status, count, 'read' if reason else ''])
    for reason in sorted(outcomes.get('declined') or {}):
        for path, count in sorted(outcomes['declined'][reason].items()):
            rows.append([cid, 'declined', reason, path, count, _how(reasons, reason)])
    return rows


def generation_table(courses, reasons=None):
    """A table of openedx_generate_certs' ``courses``: one row per course and status, then (when the
    result has them) the learners by step and reason; ``reasons`` is the module's ``reasons``
    (whether each reason is read from the data or inferred)."""
    if not isinstance(courses, dict):
        raise AnsibleFilterError('openedx_generation_table takes the courses dict of '
                                 'openedx_generate_certs, got %s' % type(courses).__name__)
    if reasons is not None and not isinstance(reasons, dict):
        raise AnsibleFilterError('openedx_generation_table: reasons must be the reasons dict of '
                                 'openedx_generate_certs, got %s' % type(reasons).__name__)
    rows = []
    learners = []
    for cid in sorted(courses):
        entry = courses[cid] or {}
        before, after = entry.get('before') or {}, entry.get('after') or {}
        statuses = sorted(set(before) | set(after)) or ['(none)']
        for status in statuses:
            b, a = before.get(status, 0), after.get(status, 0)
            rows.append([cid, status, b, a, ('%+d' % (a - b)) if a != b else ''])
        learners.extend(learner_rows(cid, entry, reasons))
    if not rows:
        return '(no courses)\n'
    text = _render(['course', 'status', 'before', 'after', 'change'], rows)
    if learners:
        text += '\n' + _render(['course', 'learners', 'reason', 'detail', 'count', 'how'], learners)
    return text


class FilterModule(object):
    def filters(self):
        return {
            'openedx_report_csv': report_csv,
            'openedx_report_table': report_table,
            'openedx_report_totals': report_totals,
            'openedx_generation_table': generation_table,
        }
