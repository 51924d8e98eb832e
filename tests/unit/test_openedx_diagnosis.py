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


def _idv(facts, rules=None):
    return [r for r in learner_checks(facts, rules=rules) if r['check'] == 'learner: ID verification'][0]


# A passing verified learner without an approved verification and without a row yet: what blocks is the
# release's own rule (generation_handler.py _id_verification_enforced_and_missing from Nutmeg on; Maple's
# always; add_cert's honor fallback).
NO_ROW_VERIFIED = dict(learner__mode='verified', learner__certificate=None,
                       course__modes=[{'slug': 'verified', 'eligible': True}])


@pytest.mark.parametrize('requirement,result,detail_part', [
    (True, 'blocks', 'ENABLE_CERTIFICATES_IDV_REQUIREMENT is on'),
    (False, 'info', 'ENABLE_CERTIFICATES_IDV_REQUIREMENT is off'),
    ('absent', 'blocks', "this release's generation handler asks one"),
    (None, 'info', 'not readable'),
])
def test_the_handler_asks_an_id_verification_by_the_release_and_its_flag(requirement, result, detail_part):
    facts = changed(settings__idv_requirement=requirement, **NO_ROW_VERIFIED)
    found = _idv(facts)
    assert (found['result'], detail_part in found['detail']) == (result, True), found
    if result == 'blocks':
        assert first_blocker(learner_checks(facts))['check'] == 'learner: ID verification'
        assert 'Verify student' in found['fix'] and 'regenerate_statuses=unverified' in found['fix']


@pytest.mark.parametrize('mode', ['honor', 'audit', 'no-id-professional'])
def test_the_non_verified_modes_ask_no_verification_even_with_the_flag_on(mode):
    facts = changed(settings__idv_requirement=True, learner__mode=mode, learner__certificate=None)
    assert _idv(facts)['result'] == 'info'


def test_add_cert_makes_an_unverified_learner_honor_when_the_course_has_an_honor_mode():
    with_honor = changed(course__modes=[{'slug': 'honor', 'eligible': True}, {'slug': 'verified', 'eligible': True}],
                         learner__mode='verified', learner__certificate=None)
    assert _idv(with_honor, rules=ADD_CERT)['result'] == 'info'
    without = changed(**NO_ROW_VERIFIED)
    found = _idv(without, rules=ADD_CERT)
    assert found['result'] == 'blocks' and 'writes unverified' in found['detail'], found
    # The flag does not exist for add_cert: it changes nothing.
    assert _idv(changed(settings__idv_requirement=False, **NO_ROW_VERIFIED), rules=ADD_CERT)['result'] == 'blocks'


def test_an_approved_verification_never_blocks():
    facts = changed(settings__idv_requirement=True, learner__verified=True, **NO_ROW_VERIFIED)
    assert _idv(facts)['result'] == 'ok'


def test_a_config_changed_after_the_lms_started_is_a_pending_restart():
    started, later = 1764700000.0, 1764703600.0
    pending = {'service': 'lms', 'pid': 42, 'started': started, 'config_changed': later,
               'config_file': '/edx/etc/lms.yml'}
    rows = learner_checks(HEALTHY, running=pending,
                          page={'ok': False, 'url': 'http://lms/certificates/abc', 'status': 200,
                                'detail': 'HTTP 200, the "invalid certificate" page'})
    names = [r['check'] for r in rows]
    assert names.index('LMS restarted since its config changed') == names.index('LMS flag CERTIFICATES_HTML_VIEW') + 1
    found = rows[names.index('LMS restarted since its config changed')]
    assert found['result'] == 'warn' and '/edx/etc/lms.yml' in found['detail'] and 'restart the LMS (lms)' in found['fix']
    assert '2025-12-02 18:26:40 UTC' in found['detail'], found
    # The page that the running LMS serves says what it runs with; the pending restart is its fix.
    blocker = first_blocker(rows)
    assert blocker['check'] == 'certificate page' and 'restart the LMS' in blocker['fix'], blocker
    restarted = dict(pending, started=later + 1)
    rows = learner_checks(HEALTHY, running=restarted)
    assert [r['result'] for r in rows if r['check'] == 'LMS restarted since its config changed'] == ['ok']


def test_an_lms_without_a_process_is_a_warning_naming_the_service():
    rows = learner_checks(HEALTHY, running={'service': 'lms', 'detail': 'lms has no running process (0)'})
    found = [r for r in rows if r['check'] == 'LMS restarted since its config changed'][0]
    assert found['result'] == 'warn' and 'no running process' in found['detail'] and '(lms)' in found['fix']


def test_an_inactive_enrollment_blocks_the_bulk_generation_but_not_ungenerated_certs():
    facts = changed(learner__enrollment_active=False, learner__certificate=None)
    modern = [r for r in learner_checks(facts) if r['check'] == 'learner: enrolled'][0]
    assert modern['result'] == 'blocks' and 're-enroll' in modern['fix']
    legacy = [r for r in learner_checks(facts, rules=ADD_CERT) if r['check'] == 'learner: enrolled'][0]
    assert legacy['result'] == 'warn' and 'still takes her' in legacy['detail'], legacy
    assert first_blocker(learner_checks(facts, rules=ADD_CERT))['check'] == 'certificate row'


AUDIT_NO_ROW = dict(learner__mode='audit', learner__mode_eligible=False, learner__certificate=None,
                    course__modes=[{'slug': 'audit', 'eligible': False}, {'slug': 'honor', 'eligible': True}])


def _row(facts, check, rules=None):
    found = [r for r in learner_checks(facts, rules=rules) if r['check'] == check]
    return found[0] if found else None


def test_without_a_cutoff_add_cert_certifies_an_audit_learner():
    facts = changed(settings__audit_cert_cutoff_date=None, **AUDIT_NO_ROW)
    assert _row(facts, 'learner: mode', ADD_CERT)['result'] == 'ok'
    assert _row(facts, 'audit cutoff', ADD_CERT) is None
    assert first_blocker(learner_checks(facts, rules=ADD_CERT))['check'] == 'certificate row'
    # The generation handler (Maple and later) never certifies the audit mode.
    assert first_blocker(learner_checks(facts))['check'] == 'learner: mode'


def test_a_cutoff_that_has_passed_blocks_an_audit_learner_without_a_row_and_names_the_playbook():
    facts = changed(settings__audit_cert_cutoff_date='2026-01-01T00:00:00+00:00', settings__audit_cutoff_passed=True,
                    **AUDIT_NO_ROW)
    blocker = first_blocker(learner_checks(facts, rules=ADD_CERT))
    assert blocker['check'] == 'audit cutoff' and 'a row made now would be on or after it' in blocker['detail']
    assert 'playbooks/audit_cutoff.yml -e cutoff_date=' in blocker['fix']
    assert blocker['fix'].endswith('playbooks/generate.yml -e course_id=%s' % COURSE), blocker['fix']


def test_an_audit_row_made_before_the_cutoff_is_fine_and_one_after_it_is_regenerated_by_its_status():
    before = changed(settings__audit_cert_cutoff_date='2031-01-01', settings__audit_cutoff_passed=False,
                     **dict(AUDIT_NO_ROW, learner__certificate={'status': 'unavailable', 'mode': 'audit',
                                                                'after_audit_cutoff': False}))
    assert _row(before, 'audit cutoff', ADD_CERT)['result'] == 'ok'
    after = changed(settings__audit_cert_cutoff_date='2026-01-01', settings__audit_cutoff_passed=True,
                    **dict(AUDIT_NO_ROW, learner__certificate={'status': 'audit_passing', 'mode': 'audit',
                                                               'after_audit_cutoff': True}))
    found = _row(after, 'audit cutoff', ADD_CERT)
    assert found['result'] == 'blocks' and found['fix'].endswith('-e regenerate_statuses=audit_passing'), found


def test_the_cutoff_is_only_named_where_it_is_not_read():
    facts = changed(settings__audit_cert_cutoff_date='2026-01-01', settings__audit_cutoff_passed=True)
    assert _row(facts, 'audit cutoff')['result'] == 'info' and 'does not read' in _row(facts, 'audit cutoff')['detail']
    assert _row(facts, 'audit cutoff', ADD_CERT)['result'] == 'info'  # an honor learner


def test_the_summary_counts_audit_learners_after_the_cutoff_on_add_cert_only():
    base = {'mode': 'audit', 'mode_eligible': False, 'passing': True, 'html_enabled': True, 'status': None}
    facts = {'settings': {'audit_cutoff_passed': True},
             'summary': {'active_learners': 3, 'passing': 3, 'downloadable': 0,
                         'learners': [dict(base), dict(base, status='audit_passing'), dict(base, status='error')]}}
    assert course_summary(facts, ADD_CERT)['reasons'] == {'audit after the cutoff': 2, 'status error': 1}
    assert course_summary(facts)['reasons'] == {'audit': 3}
    facts['settings'] = {'audit_cutoff_passed': None}
    assert course_summary(facts, ADD_CERT)['reasons'] == {'audit after the cutoff': 1, 'no row yet': 1,
                                                          'status error': 1}


def test_the_html_view_configuration_warns_when_the_learners_mode_has_no_section():
    facts = changed(learner__certificate={'status': 'downloadable', 'mode': 'verified', 'verify_uuid': 'abc'})
    found = [r for r in learner_checks(facts) if r['check'] == 'HTML view configuration'][0]
    assert found['result'] == 'warn' and 'no "verified" section' in found['detail'], found
    assert 'openedx_certificates_modes' in found['fix']
    assert [r for r in learner_checks(HEALTHY) if r['check'] == 'HTML view configuration'][0]['result'] == 'ok'


def test_the_grade_row_names_the_courses_pass_cutoff():
    facts = changed(course__lowest_passing_grade=0.5)
    found = [r for r in learner_checks(facts) if r['check'] == 'learner: passing grade'][0]
    assert found['detail'] == "passing (persisted grade 90%, the course's pass cutoff 50%)", found
