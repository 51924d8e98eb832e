"""playbooks/diagnose.yml, more blocking situations (issue 15): each is built on a sandbox host, the
diagnosis must name exactly that cause and its fix; the fix is applied (the toolkit's playbook where it
names one, otherwise what the fix says an operator does: Studio's or the instructor dashboard's change,
made here in the database) and the diagnosis must move on, or come back clean with the learner's
certificate page rendering.

A file of its own (with its own hosts) so that pytest-xdist runs it beside test_diagnose.py. The tests
run in file order on one host per release and each puts back what it changed; the ones that run
generate.yml (which certifies the whole course) come last.
"""

import pytest

from conftest import run_playbook
from diagnosis import (
    RULES,
    blocker,
    certificate_status,
    configured_host,
    diagnose,
    generate_and_diagnose_clean,
    lms_config_file,
    replace_in_file,
    row_of,
    user_id,
)

DEMO = "course-v1:edX+DemoX+Demo_Course"
FLAG = "LMS flag CERTIFICATES_HTML_VIEW"
RESTART = "LMS restarted since its config changed"


@pytest.fixture(scope="module", params=["hawthorn", "verawood"])
def fix_host(request):
    with configured_host(request.param) as host:
        yield host


def flag_text(host, value):
    return '"CERTIFICATES_HTML_VIEW": %s' % value if host.legacy else "CERTIFICATES_HTML_VIEW: %s" % value


def test_the_flag_off_in_the_config_a_pending_restart_and_a_disabled_html_view_are_named_and_site_yml_mends_them(
        fix_host, tmp_path):
    """An operator turned the flag off in the LMS config without restarting, and someone disabled the HTML
    view configuration in Django admin: the course diagnosis names the flag first (its fix is site.yml), the
    pending restart (the running LMS still has the old settings) and the configuration; one site.yml run
    mends all three and the course diagnosis is clean again."""
    host = fix_host
    path = lms_config_file(host)
    replace_in_file(host, path, flag_text(host, "true"), flag_text(host, "false"))
    # Django admin's "add" of a disabled row: the latest row is django-config-models' current().
    host.sql("insert into certificates_certificatehtmlviewconfiguration (change_date, enabled, configuration) "
             "select now(6), 0, configuration from certificates_certificatehtmlviewconfiguration "
             "order by id desc limit 1")
    run, result = diagnose(host, tmp_path)
    assert run.rc == 0, run.output[-3000:]
    assert blocker(result) == FLAG, result["checks"]
    assert "playbooks/site.yml" in result["blocker"]["fix"]
    pending = row_of(result, RESTART)
    assert pending["result"] == "warn" and path in pending["detail"] and "restart the LMS" in pending["fix"], pending
    html_view = row_of(result, "HTML view configuration")
    assert html_view["result"] == "blocks" and "disabled" in html_view["detail"], html_view
    assert "openedx_certificates_html_view_enabled: true" in html_view["fix"]

    fixed = run_playbook("site.yml", [host])
    assert fixed.rc == 0 and fixed.changed(host.name) > 0, fixed.output[-3000:]
    _run, after = diagnose(host, tmp_path)
    assert after["blocker"] is None, after["checks"]
    assert [row_of(after, name)["result"] for name in (FLAG, RESTART, "HTML view configuration")] == \
        ["ok", "ok", "ok"], after["checks"]


def test_an_inactive_enrollment_blocks_only_the_modern_generation(fix_host, tmp_path):
    """The bulk generation (Maple and later) takes active enrollments only; the legacy ungenerated_certs
    walks every enrollment, so there the diagnosis warns and looks further."""
    host = fix_host
    learner = "rules_verified_without_idv"
    uid = user_id(host, learner)
    host.sql("update student_courseenrollment set is_active = 0 where user_id = %d and course_id = '%s'" % (uid, RULES))
    try:
        run, result = diagnose(host, tmp_path, learner=learner, check=True)
        assert run.rc == 0, run.output[-3000:]
        enrolled = row_of(result, "learner: enrolled")
        if host.legacy:
            assert enrolled["result"] == "warn" and "still takes her" in enrolled["detail"], enrolled
            assert blocker(result) in ("policy: automatic generation", "certificate row"), result["checks"]
        else:
            assert blocker(result) == "learner: enrolled" and "INACTIVE" in enrolled["detail"], result["checks"]
            assert "re-enroll" in enrolled["fix"]
    finally:
        host.sql("update student_courseenrollment set is_active = 1 where user_id = %d and course_id = '%s'"
                 % (uid, RULES))
    _run, after = diagnose(host, tmp_path, learner=learner)
    assert row_of(after, "learner: enrolled")["result"] == "ok", after["checks"]


def test_a_course_with_html_certificates_off_is_named_and_its_fix_applies(fix_host, tmp_path):
    host = fix_host
    learner = "rules_regenerated"
    host.sql("update course_overviews_courseoverview set cert_html_view_enabled = 0 where id = '%s'" % RULES)
    try:
        run, result = diagnose(host, tmp_path, learner=learner)
        assert run.rc == 0, run.output[-3000:]
        assert blocker(result) == "course: HTML certificates on", result["checks"]
        assert "Advanced Settings" in result["blocker"]["fix"] and RULES in result["blocker"]["fix"]
    finally:
        # The fix, as Studio's Advanced Settings save makes it (the course overview follows the course).
        host.sql("update course_overviews_courseoverview set cert_html_view_enabled = 1 where id = '%s'" % RULES)
    _run, after = diagnose(host, tmp_path, learner=learner)
    assert row_of(after, "course: HTML certificates on")["result"] == "ok", after["checks"]
    assert blocker(after) in ("certificate row", "policy: automatic generation"), after["checks"]


def test_a_missing_id_verification_is_named_when_the_release_asks_one_and_its_fix_applies(fix_host, tmp_path):
    """Verawood asks an approved ID verification only with ENABLE_CERTIFICATES_IDV_REQUIREMENT on; turned on,
    a passing verified learner without one is blocked there. The fix (an approved verification) moves the
    diagnosis on, and the generation it then names gives her the certificate. Hawthorn's add_cert makes her
    certificate in honor mode (the course has one): nothing blocks there."""
    host = fix_host
    learner = "rules_verified_without_idv"
    if host.legacy:
        _run, result = diagnose(host, tmp_path, learner=learner)
        idv = row_of(result, "learner: ID verification")
        assert idv["result"] == "info" and "honor mode" in idv["detail"], idv
        return
    path = lms_config_file(host)
    # A flat setting, as Verawood's settings read it (FEATURES is the proxy over them): the file's last line.
    host.sh("printf '\\nENABLE_CERTIFICATES_IDV_REQUIREMENT: true\\n' >> %s" % path)
    uid = user_id(host, learner)
    try:
        run, result = diagnose(host, tmp_path, learner=learner)
        assert run.rc == 0, run.output[-3000:]
        assert blocker(result) == "learner: ID verification", result["checks"]
        assert "ENABLE_CERTIFICATES_IDV_REQUIREMENT is on" in result["blocker"]["detail"]
        assert "approved ID verification" in result["blocker"]["fix"]
        # The fix: an approved verification (Django admin, Verify student).
        host.sql("insert into verify_student_softwaresecurephotoverification (user_id, status, status_changed, name, "
                 "created_at, updated_at, face_image_url, photo_id_image_url, receipt_id, error_msg, error_code) "
                 "values (%d, 'approved', now(6), '', now(6), now(6), '', '', 'it-approved', '', '')" % uid)
        _run, verified = diagnose(host, tmp_path, learner=learner)
        assert row_of(verified, "learner: ID verification")["result"] == "ok", verified["checks"]
        assert blocker(verified) == "policy: automatic generation", verified["checks"]
        assert "playbooks/generate.yml -e course_id=%s" % RULES in verified["blocker"]["fix"]
        clean = generate_and_diagnose_clean(host, tmp_path, learner)
        assert row_of(clean, "certificate page")["result"] == "ok", clean["checks"]
    finally:
        replace_in_file(host, path, "ENABLE_CERTIFICATES_IDV_REQUIREMENT: true\n", "")


def test_an_invalidated_learner_is_named_and_gets_the_certificate_once_it_is_lifted(fix_host, tmp_path):
    host = fix_host
    learner = "rules_invalidated"
    run, result = diagnose(host, tmp_path, learner=learner)
    assert run.rc == 0, run.output[-3000:]
    assert blocker(result) == "learner: not invalidated", result["checks"]
    assert "remove the invalidation" in result["blocker"]["fix"]
    [[cert_id, saved_status]] = host.sql(
        "select id, status from certificates_generatedcertificate where user_id = %d and course_id = '%s'"
        % (user_id(host, learner), RULES))
    # The fix: the instructor dashboard's "remove from the invalidation list", then the generation named.
    host.sql("update certificates_certificateinvalidation set active = 0 where generated_certificate_id = %s" % cert_id)
    try:
        clean = generate_and_diagnose_clean(host, tmp_path, learner)
        assert row_of(clean, "certificate page")["result"] == "ok", clean["checks"]
    finally:
        host.sql("update certificates_certificateinvalidation set active = 1 where generated_certificate_id = %s"
                 % cert_id)
        host.sql("update certificates_generatedcertificate set status = '%s' where id = %s" % (saved_status, cert_id))


def test_a_certificate_not_viewable_yet_is_named_and_shows_once_its_date_has_passed(fix_host, tmp_path):
    """The display rule (certificates_viewable_for_course): an instructor-paced course that shows its
    certificates at the end, which has not come. The learner holds a downloadable certificate (the generation
    of the test above made it)."""
    host = fix_host
    learner = "rules_regenerated"
    assert certificate_status(host, learner) == "downloadable", "the generation above did not certify her"
    [[behaviour]] = host.sql("select certificates_display_behavior from course_overviews_courseoverview "
                             "where id = '%s'" % RULES)
    host.sql("update course_overviews_courseoverview set certificates_display_behavior = 'end', "
             "certificate_available_date = null where id = '%s'" % RULES)
    try:
        run, result = diagnose(host, tmp_path, learner=learner)
        assert run.rc == 0, run.output[-3000:]
        assert blocker(result) == "display: viewable now", result["checks"]
        assert "certificate available date" in result["blocker"]["fix"]
        # The fix, as Studio's Schedule & Details sets it: a certificate available date that has passed.
        host.sql("update course_overviews_courseoverview set certificate_available_date = now(6) - interval 1 day "
                 "where id = '%s'" % RULES)
        _run, clean = diagnose(host, tmp_path, learner=learner)
        assert clean["blocker"] is None, clean["checks"]
        assert row_of(clean, "certificate page")["result"] == "ok", clean["checks"]
    finally:
        host.sql("update course_overviews_courseoverview set certificates_display_behavior = '%s', "
                 "certificate_available_date = null where id = '%s'" % (behaviour, RULES))


def test_an_audit_learner_after_the_audit_cutoff_is_named_and_audit_cutoff_yml_mends_it(fix_host, tmp_path):
    """Hawthorn's add_cert certifies an audit learner unless AUDIT_CERT_CUTOFF_DATE is set and her row is
    created on or after it. With a cutoff in the past, a passing audit learner without a row is blocked
    there; moving the cutoff past today with the playbook it names, then the generation, certifies her.
    Verawood's generation handler never certifies the audit mode, and has no cutoff."""
    host = fix_host
    learner = "demo_learner_01"
    if not host.legacy:
        _run, result = diagnose(host, tmp_path, course=DEMO, learner=learner)
        assert blocker(result) == "learner: mode", result["checks"]
        assert "audit cutoff" not in [r["check"] for r in result["checks"]]
        return
    assert certificate_status(host, learner, DEMO) is None
    past = run_playbook("audit_cutoff.yml", [host], extra_vars={"cutoff_date": "2020-01-01", "force": True,
                                                                "apply": True})
    assert past.rc == 0, past.output[-3000:]
    run, result = diagnose(host, tmp_path, course=DEMO, learner=learner)
    assert run.rc == 0, run.output[-3000:]
    assert row_of(result, "learner: mode")["result"] == "ok", result["checks"]
    assert blocker(result) == "audit cutoff" and "2020-01-01" in result["blocker"]["detail"], result["checks"]
    assert "playbooks/audit_cutoff.yml -e cutoff_date=" in result["blocker"]["fix"]
    later = run_playbook("audit_cutoff.yml", [host], extra_vars={"cutoff_date": "2032-01-01", "apply": True})
    assert later.rc == 0, later.output[-3000:]
    _run, moved = diagnose(host, tmp_path, course=DEMO, learner=learner)
    assert row_of(moved, "audit cutoff")["result"] == "ok", moved["checks"]
    generate_and_diagnose_clean(host, tmp_path, learner, course=DEMO)
