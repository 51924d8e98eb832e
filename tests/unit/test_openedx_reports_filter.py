"""The report filters."""
import csv
import io

import pytest
from ansible.errors import AnsibleFilterError

from ansible.module_utils.openedx_cert_report import build_report
from openedx_reports import FilterModule, generation_table, report_csv, report_table, report_totals

A = build_report('edX/toy/2012_Fall', {'enrolled_current': 8, 'enrolled_total': 10, 'verified_enrolled': 0,
                                       'honor_enrolled': 4, 'audit_enrolled': 0, 'downloadable': 2,
                                       'error': 1, 'notpassing': 1, 'honor': 2}, 'gen_cert_report')
A['enrollments_by_mode'] = {'honor': 8}
B = build_report('course-v1:edX+DemoX+Demo_Course', {'enrolled_current': 17, 'enrolled_total': 20,
                                                     'verified_enrolled': 5, 'honor_enrolled': 9,
                                                     'audit_enrolled': 6, 'downloadable': 13,
                                                     'notpassing': 7, 'audit': 4, 'honor': 5,
                                                     'verified': 4}, 'orm')
B['enrollments_by_mode'] = {'audit': 6, 'honor': 6, 'verified': 5}


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {'openedx_report_csv', 'openedx_report_table',
                                             'openedx_report_totals', 'openedx_generation_table'}


def test_csv_rows_and_columns():
    rows = list(csv.DictReader(io.StringIO(report_csv([A, B]))))
    assert [r['course_id'] for r in rows] == [A['course_id'], B['course_id']]
    assert rows[0]['status:error'] == '1' and rows[1]['status:error'] == '0'
    assert rows[1]['downloadable:verified'] == '4' and rows[0]['downloadable:verified'] == '0'
    assert rows[1]['enrolled_mode:audit'] == '6'
    assert rows[0]['certificates_total'] == '4' and rows[1]['source'] == 'orm'
    single = list(csv.DictReader(io.StringIO(report_csv(A))))
    assert len(single) == 1 and 'status:error' in single[0]


def test_csv_accepts_the_module_result():
    assert report_csv({'reports': [A]}) == report_csv([A])


def test_totals():
    total = report_totals([A, B])
    assert total['course_id'] == 'ALL' and total['enrolled_total'] == 30
    assert total['statuses'] == {'downloadable': 15, 'error': 1, 'notpassing': 8}
    assert total['downloadable_by_mode'] == {'honor': 7, 'audit': 4, 'verified': 4}


def test_table_is_aligned_and_complete():
    text = report_table([A, B])
    lines = text.splitlines()
    assert lines[0].split() == ['figure', A['course_id'], B['course_id'], 'ALL']
    widths = {len(line) for line in lines[2:]}
    assert len(widths) == 1  # numbers right-aligned in fixed columns
    row = dict((line.split()[0], line.split()[1:]) for line in lines[2:])
    assert row['enrolled_total'] == ['10', '20', '30']
    assert row['status:error'] == ['1', '0', '1']
    assert report_table([]) == '(no reports)\n'


def test_generation_table():
    text = generation_table({'x/y/z': {'before': {'notpassing': 1}, 'after': {'downloadable': 2, 'notpassing': 1}}})
    lines = text.splitlines()
    assert lines[0].split() == ['course', 'status', 'before', 'after', 'change']
    assert lines[2].split() == ['x/y/z', 'downloadable', '0', '2', '+2']
    assert lines[3].split() == ['x/y/z', 'notpassing', '1', '1']


def test_generation_table_with_learners_by_reason():
    course = {'before': {}, 'after': {'downloadable': 800, 'unverified': 160},
              'enrollments': {'total': 3000, 'active': 2940},
              'selection': {'selected': 1440, 'left_out': {'inactive_enrollment': {'verified': 60},
                                                          'mode_not_eligible': {'audit': 1500}}},
              'generation': {'outcomes': {'published': {'downloadable': 800, 'unverified': 160},
                                          'decided_in_process': {'notpassing': 2},
                                          'declined': {'not_passing': {'regular': 478}}}}}
    reasons = {'inactive_enrollment': {'how': 'read'}, 'mode_not_eligible': {'how': 'read'},
               'id_verification_missing': {'how': 'read'}, 'not_passing': {'how': 'inferred'}}
    text = generation_table({'C': course}, reasons)
    status_part, learners_part = text.split('\n\n')
    assert status_part.splitlines()[2].split() == ['C', 'downloadable', '0', '800', '+800']
    rows = [line.split() for line in learners_part.splitlines()]
    assert rows[0] == ['course', 'learners', 'reason', 'detail', 'count', 'how']
    assert rows[2:] == [
        ['C', 'enrolled', '3000'],
        ['C', 'left', 'out', 'inactive_enrollment', 'verified', '60', 'read'],
        ['C', 'left', 'out', 'mode_not_eligible', 'audit', '1500', 'read'],
        ['C', 'sent', '1440'],
        ['C', 'task', 'published', 'downloadable', '800'],
        ['C', 'task', 'published', 'id_verification_missing', 'unverified', '160', 'read'],
        ['C', 'set', 'in', 'process', 'not_passing', 'notpassing', '2', 'read'],
        ['C', 'declined', 'not_passing', 'regular', '478', 'inferred'],
    ]
    # Without a selection (an older result, or a legacy run's op), only the status table.
    assert '\n\n' not in generation_table({'C': {'before': {}, 'after': {'downloadable': 1}}})
    with pytest.raises(AnsibleFilterError):
        generation_table({'C': course}, ['not', 'a', 'dict'])


@pytest.mark.parametrize('bad', ['text', 3, [1, 2]])
def test_bad_input(bad):
    with pytest.raises(AnsibleFilterError):
        report_csv(bad)
