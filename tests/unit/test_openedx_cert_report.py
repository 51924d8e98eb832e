"""The gen_cert_report parser, on both layouts and odd outputs."""
import pytest

from ansible.module_utils.openedx_cert_report import (
    CERTIFICATE_STATUSES,
    ENROLLMENT_KEYS,
    ReportParseError,
    build_report,
    classify_key,
    parse_gen_cert_report,
    report_from_output,
)


def padded(course_id, data):
    """Render like the platform's later gen_cert_report (26/16 columns)."""
    keys = sorted(data)
    header = '{:>26}'.format('course ID') + ' ' + ' '.join('{:>16}'.format(k) for k in keys)
    line = '{0:>26} '.format(course_id) + ''.join('{:>16} '.format(data[k]) for k in keys)
    return 'Looking up certificate states for %s\n%s\n%s\n' % (course_id, header, line)


OLD = """Looking up certificate states for edX/toy/2012_Fall
course ID  audit_enrolled enrolled_current enrolled_total honor_enrolled verified_enrolled
edX/toy/2012_Fall  0 1 1 0 0
"""

REFERENCE_PADDED = """Looking up certificate states for course-v1:edX+DemoX+Demo_Course
                 course ID   audit_enrolled     downloadable enrolled_current   enrolled_total            honor   honor_enrolled       notpassing verified_enrolled
course-v1:edX+DemoX+Demo_Course                1                2                3                4                2                2                1                0 
"""


def test_old_single_space_layout():
    reported, flat = parse_gen_cert_report(OLD)
    assert reported == 'edX/toy/2012_Fall'
    assert flat == {'audit_enrolled': 0, 'enrolled_current': 1, 'enrolled_total': 1,
                    'honor_enrolled': 0, 'verified_enrolled': 0}
    report = report_from_output('edX/toy/2012_Fall', OLD)
    assert report['statuses'] == {} and report['downloadable_by_mode'] == {}
    assert report['enrolled_current'] == 1 and report['certificates_total'] == 0
    assert report['warnings'] == []


def test_padded_layout_with_overflowing_course_id():
    report = report_from_output('course-v1:edX+DemoX+Demo_Course', REFERENCE_PADDED)
    assert report['reported_course_id'] == 'course-v1:edX+DemoX+Demo_Course'
    assert report['source'] == 'gen_cert_report'
    assert (report['enrolled_current'], report['enrolled_total']) == (3, 4)
    assert (report['verified_enrolled'], report['honor_enrolled'], report['audit_enrolled']) == (0, 2, 1)
    assert report['statuses'] == {'downloadable': 2, 'notpassing': 1}
    assert report['downloadable_by_mode'] == {'honor': 2}
    assert report['certificates_total'] == 3


@pytest.mark.parametrize('course_id', [
    'edX/toy/2012_Fall',
    'course-v1:AVeryLongOrganisationName+AVeryLongCourseNumber+2031_Spring_Session_B',
])
def test_round_trip_of_rendered_reports(course_id):
    data = {'enrolled_current': 2940, 'enrolled_total': 3000, 'verified_enrolled': 1500,
            'honor_enrolled': 0, 'audit_enrolled': 1500, 'downloadable': 1800, 'notpassing': 1000,
            'unverified': 200, 'audit_passing': 7, 'audit': 1000, 'verified': 800,
            'no-id-professional': 3, 'executive-education': 1}
    reported, flat = parse_gen_cert_report(padded(course_id, data))
    assert reported == course_id and flat == data
    report = build_report(course_id, flat, 'gen_cert_report')
    assert report['statuses'] == {'downloadable': 1800, 'notpassing': 1000, 'unverified': 200,
                                  'audit_passing': 7}
    assert report['downloadable_by_mode'] == {'audit': 1000, 'verified': 800,
                                              'no-id-professional': 3, 'executive-education': 1}
    assert report['warnings'] == ['downloadable certificates by mode add up to 1804 but 1800 '
                                  'are downloadable']


def test_zero_learners():
    data = dict((k, 0) for k in ENROLLMENT_KEYS)
    report = report_from_output('course-v1:a+b+c', padded('course-v1:a+b+c', data))
    assert all(report[k] == 0 for k in ENROLLMENT_KEYS)
    assert report['statuses'] == {} and report['certificates_total'] == 0


def test_noise_around_the_report_is_ignored():
    text = ('2024-01-01 12:00:00,000 INFO 123 [root] something\n'
            'Course id X could not be parsed as a CourseKey; falling back\n' + OLD + '\nbye\n')
    assert parse_gen_cert_report(text)[1]['enrolled_total'] == 1


def test_missing_fixed_columns_are_warned_not_invented():
    text = 'course ID downloadable enrolled_total\nx/y/z 2 5\n'
    report = report_from_output('x/y/z', text)
    assert report['enrolled_total'] == 5
    assert report['enrolled_current'] is None
    assert any('enrolled_current' in w for w in report['warnings'])


@pytest.mark.parametrize('text, words', [
    ('', 'no header'),
    ('garbage\nmore garbage\n', 'no header'),
    ('Looking up certificate states for x\n course ID enrolled_total\n', 'no data line'),
    ('course ID enrolled_total enrolled_current\nx/y/z 1\n', '2 columns'),
    ('course ID enrolled_total\nx/y/z 1 2\n', '1 columns'),
    ('course ID enrolled_total\nx/y/z many\n', 'not a number'),
    ('course ID\nx/y/z\n', 'no columns'),
    ('course ID a a\nx/y/z 1 2\n', 'duplicate'),
    ('course ID a=b\nx/y/z 1\n', 'unexpected column'),
])
def test_garbage_is_refused_with_a_reason(text, words):
    with pytest.raises(ReportParseError) as info:
        parse_gen_cert_report(text)
    assert words in str(info.value)


def test_classification():
    assert all(classify_key(s) == 'status' for s in CERTIFICATE_STATUSES)
    assert all(classify_key(k) == 'enrollment' for k in ENROLLMENT_KEYS)
    for mode in ('audit', 'honor', 'verified', 'credit', 'professional', 'masters'):
        assert classify_key(mode) == 'mode'
