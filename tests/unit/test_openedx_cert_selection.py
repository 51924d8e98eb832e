"""module_utils/openedx_cert_selection: who is sent to the platform, who is left out and why."""
import subprocess

from ansible.module_utils import openedx_cert_selection as selection
from ansible.module_utils.openedx_cert_selection import (REASONS, SELECTION_SOURCE, declined_reason,
                                                         select_learners, selection_digest)

from test_openedx_generate_certs import VERMIN

# (user id, mode, active)
ENROLLMENTS = [
    (1, 'honor', True),       # no certificate: sent
    (2, 'honor', False),      # inactive
    (3, 'verified', True),    # downloadable: has one
    (4, 'verified', True),    # unavailable: sent (the bulk generation regenerates it)
    (5, 'audit', True),       # no certificate, audit: never eligible
    (6, 'verified', True),    # error
    (7, 'audit', True),       # unverified, audit: has one (the status comes first)
    (8, 'honor', False),      # inactive with an error certificate: inactive comes first
    (9, 'verified', True),    # unverified
]
STATUSES = {3: 'downloadable', 4: 'unavailable', 6: 'error', 7: 'unverified', 8: 'error', 9: 'unverified'}


def not_audit(mode):
    return mode != 'audit'


def test_bulk_generation_picks_active_learners_without_a_certificate_but_unavailable():
    ids, left_out = select_learners(ENROLLMENTS, STATUSES, mode_is_eligible=not_audit)
    assert ids == [1, 4]
    assert left_out == {
        'inactive_enrollment': {'honor': 2},
        'has_certificate': {'downloadable': 1, 'error': 1, 'unverified': 2},
        'mode_not_eligible': {'audit': 1},
    }
    # Every learner is counted once: sent or left out.
    assert len(ids) + sum(sum(c.values()) for c in left_out.values()) == len(ENROLLMENTS)


def test_without_the_platform_filters_every_mode_is_kept():
    ids, left_out = select_learners(ENROLLMENTS, STATUSES)
    assert ids == [1, 4, 5]
    assert 'mode_not_eligible' not in left_out


def test_regenerate_statuses_pick_the_active_learners_in_those_statuses_only():
    ids, left_out = select_learners(ENROLLMENTS, STATUSES, regenerate_statuses=['unverified', 'error'],
                                    mode_is_eligible=not_audit)
    # 7 is unverified but audit: left out for its mode; 8 is inactive.
    assert ids == [6, 9]
    assert left_out == {
        'inactive_enrollment': {'honor': 2},
        'not_in_regenerate_statuses': {'none': 2, 'downloadable': 1, 'unavailable': 1},
        'mode_not_eligible': {'audit': 1},
    }
    # A learner without a row is not picked by a regeneration, even of "unavailable" (the real
    # query joins the certificate table) ...
    ids, _ = select_learners(ENROLLMENTS, STATUSES, regenerate_statuses=['unavailable'])
    assert ids == [4]
    # ... unless rows are missing as the legacy command reads them (certificate_status_for_student).
    ids, _ = select_learners(ENROLLMENTS, STATUSES, regenerate_statuses=['unavailable'], active_only=False,
                             missing_status='unavailable')
    assert ids == [1, 2, 4, 5]


def test_the_platform_is_asked_once_per_mode():
    asked = []

    def eligible(mode):
        asked.append(mode)
        return mode != 'audit'

    select_learners(ENROLLMENTS * 3, {}, mode_is_eligible=eligible)
    assert sorted(asked) == ['audit', 'honor', 'verified']


def test_digest_is_of_the_set_of_ids():
    assert selection_digest([3, 1, 2]) == selection_digest(['1', '2', '3'])
    assert selection_digest([1, 2]) != selection_digest([1, 2, 3])
    assert len(selection_digest([])) == 16


BASE = {'allowlisted': False, 'ccx': False, 'beta_tester': False, 'passing': True, 'invalidated': False,
        'mode': 'honor', 'mode_eligible': True, 'status': None, 'overview': True, 'html_enabled': True}


def reason(**facts):
    return declined_reason(dict(BASE, **facts))


def test_declined_reasons_follow_the_order_of_the_generation_handler():
    assert reason() == 'unknown'
    assert reason(ccx=True, beta_tester=True, passing=False) == 'ccx_course'
    assert reason(beta_tester=True, passing=False) == 'beta_tester'
    assert reason(passing=False, invalidated=True) == 'not_passing'
    assert reason(passing=None) == 'not_passing'      # no persisted grade
    assert reason(invalidated=True, mode=None) == 'invalidated'
    assert reason(mode=None) == 'no_enrollment'
    assert reason(mode_eligible=False) == 'mode_not_eligible'
    assert reason(status='downloadable') == 'already_downloadable'
    # A downloadable certificate of a mode that was not eligible is regenerated: not that reason.
    assert reason(status='downloadable', cert_mode_eligible=False) == 'unknown'
    assert reason(overview=False, html_enabled=False) == 'no_course_overview'
    assert reason(html_enabled=False) == 'html_certificates_disabled'


def test_allowlisted_learners_skip_ccx_beta_and_grade():
    assert reason(allowlisted=True, ccx=True, beta_tester=True, passing=False) == 'unknown'
    assert reason(allowlisted=True, passing=False, status='downloadable') == 'already_downloadable'


def test_every_reason_given_is_documented_read_or_inferred():
    names = set()
    names.update(select_learners(ENROLLMENTS, STATUSES, mode_is_eligible=not_audit)[1])
    names.update(select_learners(ENROLLMENTS, STATUSES, ['error'], not_audit)[1])
    for facts in ({}, {'ccx': True}, {'beta_tester': True}, {'passing': False}, {'invalidated': True},
                  {'mode': None}, {'mode_eligible': False}, {'status': 'downloadable'}, {'overview': False},
                  {'html_enabled': False}):
        names.add(reason(**facts))
    assert names <= set(REASONS)
    assert all(how in ('read', 'inferred') and what for how, what in REASONS.values())
    assert selection.reason_how('not_passing') == 'inferred' and selection.reason_how('audit?') == 'inferred'


def test_the_shipped_source_is_the_functions_and_runs_on_python_27(tmp_path):
    namespace = {}
    exec(compile(SELECTION_SOURCE, '<selection>', 'exec'), namespace)
    assert namespace['select_learners'](ENROLLMENTS, STATUSES, None, not_audit)[0] == [1, 4]
    SELECTION_SOURCE.encode('ascii')
    path = tmp_path / 'selection.py'
    path.write_text(SELECTION_SOURCE)
    proc = subprocess.run([VERMIN, '-t=2.7-', '-t=3.5-', '--no-tips', '--violations', str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
