"""module_utils/openedx_diagnosis.py: the checks of a learner without a certificate, their order and fixes."""
import copy

import pytest

from ansible.module_utils.openedx_diagnosis import (
    ADD_CERT,
    course_summary,
    first_blocker,
    learner_checks,
    render_markdown,
    render_table,
)

COURSE = 'course-v1:OpenedX+Rules+2026'

# A learner who has everything: every check passes.
HEALTHY = {
    'course_id': COURSE,
    'settings': {'certificates_html_view': True, 'idv_requirement': False, 'audit_cert_cutoff_date': None},
    'html_view': {'model': True, 'row': True, 'enabled': True, 'sections': ['default', 'honor'], 'parse_error': None},
    'course': {'exists': True, 'cert_html_view_enabled': True, 'modes': [{'slug': 'honor', 'eligible': True}],
               'modes_table': True, 'active_certificate': {'name': 'Cert', 'signatories': 2},
               'active_certificate_read': 'read', 'viewable_now': True, 'certificates_display_behavior': 'end'},
    'policy': {'auto_generation': True, 'self_generation': False, 'course_self_generation': False},
    'learner': {'user_id': 7, 'username': 'ada', 'enrolled': True, 'enrollment_active': True, 'mode': 'honor',
                'mode_eligible': True, 'allowlisted': False, 'beta_tester': False, 'passing': True,
                'percent_grade': 0.9, 'invalidated': False, 'verified': False, 'ccx': False,
                'certificate': {'status': 'downloadable', 'mode': 'honor', 'verify_uuid': 'abc'}},
}


def changed(**paths):
    """HEALTHY with ``part__key=value`` changes."""
    facts = copy.deepcopy(HEALTHY)
    for path, value in paths.items():
        part, key = path.split('__', 1)
        facts[part][key] = value
    return facts


def blocker_of(facts, **looks):
    return first_blocker(learner_checks(facts, **looks))


def test_a_learner_with_everything_has_no_blocker():
    rows = learner_checks(HEALTHY, studio={'registered': True, 'detail': 'HTTP 200'},
                          worker={'alive': True, 'detail': 'running'},
                          page={'ok': True, 'url': 'http://lms/certificates/abc', 'status': 200})
    assert first_blocker(rows) is None, rows
    assert [r['check'] for r in rows][:2] == ['LMS flag CERTIFICATES_HTML_VIEW', 'Studio flag CERTIFICATES_HTML_VIEW']
    assert all(r['result'] in ('ok', 'info') for r in rows), rows


@pytest.mark.parametrize('facts,check,fix_part', [
    (changed(settings__certificates_html_view=False), 'LMS flag CERTIFICATES_HTML_VIEW', 'playbooks/site.yml'),
    (changed(html_view__enabled=False), 'HTML view configuration', 'openedx_certificates_html_view_enabled'),
    (changed(course__cert_html_view_enabled=False), 'course: HTML certificates on', 'Advanced Settings'),
    (changed(course__active_certificate=None), 'course: active course certificate', 'activate it'),
    (changed(course__modes=[{'slug': 'audit', 'eligible': False}]), 'course: certificate modes',
     'openedx_certificates_course_modes'),
    (changed(learner__enrolled=False), 'learner: enrolled', 'enroll'),
    (changed(learner__mode='audit', learner__mode_eligible=False), 'learner: mode', 'certificate mode'),
    (changed(learner__beta_tester=True), 'learner: not a beta tester', 'beta testers'),
    (changed(learner__passing=False, learner__percent_grade=0.3), 'learner: passing grade', 'allowlist'),
    (changed(learner__invalidated=True), 'learner: not invalidated', 'invalidation'),
    (changed(learner__certificate={'status': 'unverified', 'mode': 'verified'}), 'learner: ID verification',
     'regenerate_statuses=unverified'),
    (changed(learner__certificate={'status': 'error', 'mode': 'honor'}), 'certificate row',
     'regenerate_statuses=error'),
    (changed(course__viewable_now=False), 'display: viewable now', 'available date'),
])
def test_the_first_blocker_names_the_cause_and_its_fix(facts, check, fix_part):
    blocker = blocker_of(facts)
    assert blocker is not None and blocker['check'] == check, learner_checks(facts)
    assert fix_part in blocker['fix'], blocker


def test_the_flag_comes_before_everything_else():
    facts = changed(settings__certificates_html_view=False, course__active_certificate=None,
                    learner__passing=False)
    assert blocker_of(facts)['check'] == 'LMS flag CERTIFICATES_HTML_VIEW'


def test_the_switch_blocks_only_a_learner_the_handler_would_certify_and_who_has_no_row():
    no_row = changed(policy__auto_generation=False, learner__certificate=None)
    blocker = blocker_of(no_row)
    assert blocker['check'] == 'policy: automatic generation'
    assert 'openedx_certificates_auto_generation: true' in blocker['fix']
    # An audit learner: the mode is the cause, not the switch.
    audit = changed(policy__auto_generation=False, learner__certificate=None, learner__mode='audit',
                    learner__mode_eligible=False)
    assert blocker_of(audit)['check'] == 'learner: mode'
    # With the switch on, a learner without a row needs a generation.
    on = changed(learner__certificate=None)
    assert blocker_of(on)['check'] == 'certificate row' and 'generate.yml' in blocker_of(on)['fix']


def test_an_allowlisted_learner_who_fails_is_not_blocked_by_the_grade():
    facts = changed(learner__allowlisted=True, learner__passing=False, learner__beta_tester=True)
    assert blocker_of(facts) is None, learner_checks(facts)


def test_on_legacy_releases_the_allowlist_does_not_skip_the_grade():
    """ungenerated_certs releases decide in add_cert, which does not read the allowlist."""
    facts = changed(learner__allowlisted=True, learner__passing=False, learner__percent_grade=0.3)
    assert first_blocker(learner_checks(facts, rules=ADD_CERT))['check'] == 'learner: passing grade'
    summary = course_summary({'summary': {'active_learners': 1, 'passing': 1, 'downloadable': 0, 'learners': [
        {'allowlisted': True, 'passing': False, 'mode': 'honor', 'mode_eligible': True, 'html_enabled': True}]}},
        rules=ADD_CERT)
    assert summary['reasons'] == {'not passing': 1}


def test_studio_without_certificate_urls_blocks_and_a_silent_one_warns():
    assert blocker_of(HEALTHY, studio={'registered': False, 'detail': 'HTTP 404'})['check'] == \
        'Studio flag CERTIFICATES_HTML_VIEW'
    rows = learner_checks(HEALTHY, studio={'registered': None, 'detail': 'connection refused'})
    assert rows[1]['result'] == 'warn' and first_blocker(rows) is None


def test_a_stopped_worker_and_an_invalid_page_block():
    assert blocker_of(HEALTHY, worker={'alive': False, 'detail': 'edxapp-workers is inactive',
                                       'services': 'edxapp-workers'})['check'] == 'workers'
    page = {'ok': False, 'url': 'http://lms/certificates/abc', 'status': 200,
            'detail': 'HTTP 200, the "invalid certificate" page'}
    assert blocker_of(HEALTHY, page=page)['check'] == 'certificate page'


def test_course_summary_counts_passing_learners_without_a_certificate_by_reason():
    base = {'invalidated': False, 'mode': 'honor', 'mode_eligible': True, 'html_enabled': True, 'status': None,
            'passing': True}
    learners = ([dict(base, mode='audit', mode_eligible=False)] * 3 + [dict(base, status='unverified')] * 2
                + [dict(base)] + [dict(base, beta_tester=True)] + [dict(base, beta_tester=True, allowlisted=True)])
    summary = course_summary({'summary': {'active_learners': 20, 'passing': 12, 'downloadable': 4,
                                          'learners': learners}})
    assert summary['reasons'] == {'audit': 3, 'unverified': 2, 'no row yet': 2, 'beta tester': 1}
    # Most first; a tie by name.
    assert summary['line'] == '3 audit, 2 no row yet, 2 unverified, 1 beta tester'
    assert summary['passing_without_certificate'] == 8


def test_markdown_escapes_table_cells_and_names_the_fix():
    rows = learner_checks(changed(course__active_certificate=None))
    text = render_markdown('Certificate diagnosis: a|b', rows, first_blocker(rows))
    assert '# Certificate diagnosis: a\\|b' in text
    assert '**Fix:** in Studio, Settings > Certificates' in text
    lines = render_table(rows)
    assert lines[0].split() == ['check', 'result', 'detail'] and len(lines) == len(rows) + 1
