# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Why a learner has no certificate: the checks, their order and their fixes.

The one place for that decision. The platform process only reads facts (the
``diagnose`` op of ``openedx_runner_diagnose``); ``learner_checks`` and
``course_summary`` turn them into rows ``{check, result, detail, fix}`` in the
order the platform applies its conditions:

1. the page and the generation need the flag ``CERTIFICATES_HTML_VIEW`` (the
   LMS settings as a new process loads them, and whether the running LMS
   started after its config last changed; Studio registers its certificate
   URLs only with it);
2. the HTML view configuration (the page's texts);
3. the course: HTML certificates on for it (``cert_html_view_enabled``), an
   active course certificate (the page says "invalid" without one), a mode
   that can earn a certificate;
4. the learner, as ``generation_handler.py`` checks (regular path: CCX, beta
   tester, passing grade; then the common checks: invalidation, enrollment,
   mode, ID verification, an existing certificate; openedx_cert_selection's
   ``declined_reason`` follows the same order), or on the legacy releases as
   ``ungenerated_certs`` and ``add_cert`` do (every enrollment, active or
   not; a verified learner without ID verification certified in honor mode
   when the course has one; the audit mode decided by
   ``AUDIT_CERT_CUTOFF_DATE`` against the row's creation);
5. the generation policy, which decides whether anything asks for a
   certificate of a learner the handler would certify (the waffle switch
   ``certificates.auto_certificate_generation`` gates the generation when a
   learner passes; self-generation needs the site-wide configuration and the
   course's setting);
6. the certificate row and its status, the workers, then the display rule
   (``certificates_viewable_for_course``) and the page itself.

A row's ``result`` is ``ok``, ``blocks`` (the learner gets no certificate, or
cannot see it, until it is fixed), ``warn`` (works, but not as an operator
would want), ``info`` or ``n/a`` (the release has no such part). The first
``blocks`` row is the answer, with its ``fix`` in this toolkit's terms.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

# Which checks the platform applies to a learner: lms/djangoapps/certificates/generation_handler.py (Maple
# and later, cert_generation), or the legacy XQueueCertInterface.add_cert (ungenerated_certs releases),
# where the allowlist does not skip the grade (the sandbox's certificates/api.py add_cert).
HANDLER = 'generation_handler'
ADD_CERT = 'add_cert'

# Statuses a learner can see: only downloadable renders the page.
_STATUS_FIXES = {
    'unverified': 'the learner needs an approved ID verification (Django admin, Verify student); then run '
                  'playbooks/generate.yml -e course_id={course} -e regenerate_statuses=unverified',
    'notpassing': 'the learner\'s grade was not passing when the platform looked; once it passes, run '
                  'playbooks/generate.yml -e course_id={course} -e regenerate_statuses=notpassing',
    'error': 'the generation failed; run playbooks/generate.yml -e course_id={course} -e regenerate_statuses=error',
    'generating': 'a worker has not finished it; check the LMS workers, then run playbooks/generate.yml '
                  '-e course_id={course} -e regenerate_statuses=generating',
    'unavailable': 'the certificate was revoked or invalidated; run playbooks/generate.yml -e course_id={course} '
                   'once the cause is gone',
    'audit_passing': 'an audit enrollment after AUDIT_CERT_CUTOFF_DATE earns no certificate (the '
                     'openedx_audit_cutoff role sets the date); change the enrollment to a certificate mode, '
                     'then run playbooks/generate.yml -e course_id={course} -e regenerate_statuses=audit_passing',
    'audit_notpassing': 'an audit enrollment after AUDIT_CERT_CUTOFF_DATE earns no certificate (the '
                        'openedx_audit_cutoff role sets the date)',
}

# The reasons of a course's passing learners without a certificate, in the order they are decided.
SUMMARY_REASONS = (
    'invalidated', 'not enrolled', 'beta tester', 'ccx course', 'mode not eligible', 'audit after the cutoff',
    'unverified', 'html certificates off', 'no row yet', 'status',
)


def row(check, result, detail, fix=None):
    return {'check': check, 'result': result, 'detail': detail, 'fix': fix}


def _course_fixes(course_id):
    return {
        'modes': 'give the course a certificate mode: openedx_certificates_course_modes: '
                 '{"%s": {"honor": {}}} and run playbooks/site.yml' % course_id,
        'cert_html_view_enabled': 'in Studio, Advanced Settings of %s: "Certificate Web/HTML View Enabled" '
                                  'true' % course_id,
        'active_certificate': 'in Studio, Settings > Certificates of %s: create the course certificate '
                              '(signatories) and activate it' % course_id,
    }


def _when(epoch):
    return time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(epoch))


def restart_pending(running):
    """Whether the running LMS started before its config last changed (it still runs with the old settings)."""
    return bool(running) and running.get('started') is not None and running.get('config_changed') is not None \
        and running['config_changed'] > running['started']


def running_row(running):
    """The running LMS against its config files (the module's look: pid, started, config_changed)."""
    check = 'LMS restarted since its config changed'
    if running.get('started') is None:
        return row(check, 'warn', running.get('detail') or 'the LMS process was not found',
                   'check that the LMS runs (%s)' % running.get('service'))
    if running.get('config_changed') is None:
        return row(check, 'info', 'the LMS (pid %s) started %s; no config file to compare'
                   % (running.get('pid'), _when(running['started'])))
    if restart_pending(running):
        return row(check, 'warn',
                   'the LMS (pid %s) started %s, before %s changed (%s): it runs with the settings of before '
                   'that change' % (running.get('pid'), _when(running['started']), running.get('config_file'),
                                    _when(running['config_changed'])),
                   'restart the LMS (%s); playbooks/site.yml restarts it when it writes the flag'
                   % running.get('service'))
    return row(check, 'ok', 'the LMS (pid %s) started %s, after its config last changed (%s)'
               % (running.get('pid'), _when(running['started']), _when(running['config_changed'])))


def platform_checks(facts, studio=None, running=None):
    """Rows 1-3 (flags, HTML view configuration, course); ``studio`` is the Studio probe, ``running`` the
    look at the running LMS (or None)."""
    course_id = facts['course_id']
    settings = facts.get('settings') or {}
    html_view = facts.get('html_view') or {}
    course = facts.get('course') or {}
    fixes = _course_fixes(course_id)
    rows = []
    flag = settings.get('certificates_html_view')
    rows.append(row('LMS flag CERTIFICATES_HTML_VIEW', 'ok' if flag else 'blocks',
                    'on in the LMS settings' if flag else
                    'off in the LMS settings (FEATURES%s)' % ('' if flag is False else ': not readable'),
                    None if flag else 'run playbooks/site.yml: the openedx_certificates role writes the flag where '
                                      'this release reads it and restarts the LMS when it changed'))
    if running is not None:
        rows.append(running_row(running))
    if studio is None:
        rows.append(row('Studio flag CERTIFICATES_HTML_VIEW', 'n/a', 'Studio was not asked (no cms URL)'))
    elif studio.get('registered') is None:
        rows.append(row('Studio flag CERTIFICATES_HTML_VIEW', 'warn', 'Studio did not answer: %s' % studio.get('detail'),
                        'check that Studio runs; its certificate URLs need the flag'))
    else:
        on = studio['registered']
        rows.append(row('Studio flag CERTIFICATES_HTML_VIEW', 'ok' if on else 'blocks',
                        'Studio serves its certificate URLs (%s)' % studio.get('detail') if on else
                        'Studio has no certificate URLs (%s): course teams cannot make the course certificate'
                        % studio.get('detail'),
                        None if on else 'run playbooks/site.yml: it writes the flag in Studio\'s config too '
                                        'and restarts Studio when it changed'))
    if not html_view.get('model'):
        rows.append(row('HTML view configuration', 'n/a', 'this release has no CertificateHtmlViewConfiguration'))
    elif not html_view.get('enabled'):
        rows.append(row('HTML view configuration', 'blocks',
                        'no enabled configuration row' if not html_view.get('row') else 'the current row is disabled',
                        'run playbooks/site.yml with openedx_certificates_html_view_enabled: true'))
    elif html_view.get('parse_error') or 'default' not in (html_view.get('sections') or []):
        rows.append(row('HTML view configuration', 'warn',
                        html_view.get('parse_error') or 'enabled, without a "default" section',
                        'run playbooks/site.yml: the role writes a complete configuration'))
    else:
        rows.append(row('HTML view configuration', 'ok',
                        'enabled; sections: %s' % ', '.join(html_view.get('sections') or [])))
    enabled = course.get('cert_html_view_enabled')
    rows.append(row('course: HTML certificates on', 'ok' if enabled else 'blocks',
                    'cert_html_view_enabled is %s' % ('true' if enabled else 'false'),
                    None if enabled else fixes['cert_html_view_enabled']))
    active = course.get('active_certificate')
    if active is not None:
        rows.append(row('course: active course certificate', 'ok',
                        '"%s", %d signator%s' % (active.get('name'), active.get('signatories', 0),
                                                 'y' if active.get('signatories') == 1 else 'ies')))
    elif course.get('active_certificate_read') == 'read':
        rows.append(row('course: active course certificate', 'blocks',
                        'none: the certificate page says "invalid" for every learner', fixes['active_certificate']))
    else:
        rows.append(row('course: active course certificate', 'warn',
                        'not read: %s' % course.get('active_certificate_read'), fixes['active_certificate']))
    modes = course.get('modes') or []
    eligible = [m['slug'] for m in modes if m.get('eligible')]
    if not course.get('modes_table', True):
        rows.append(row('course: certificate modes', 'n/a', 'this release has no course modes table'))
    elif eligible:
        rows.append(row('course: certificate modes', 'ok',
                        'modes: %s; eligible: %s' % (', '.join(m['slug'] for m in modes), ', '.join(eligible))))
    else:
        rows.append(row('course: certificate modes', 'blocks',
                        'modes: %s; none can earn a certificate' % (', '.join(m['slug'] for m in modes) or
                                                                    'none (audit by default)'),
                        fixes['modes']))
    return rows


def _handler_rows(learner, course_id, settings, course, rules):
    """The platform's checks of one learner, in its order: the generation handler's
    (openedx_cert_selection.declined_reason), or the legacy add_cert's, where the allowlist skips nothing."""
    rows = []
    allowlisted = bool(learner.get('allowlisted')) and rules == HANDLER
    if not learner.get('enrolled'):
        rows.append(row('learner: enrolled', 'blocks', 'no enrollment in the course',
                        'enroll the learner in %s' % course_id))
        return rows
    active = learner.get('enrollment_active')
    if active:
        rows.append(row('learner: enrolled', 'ok', 'enrolled, active'))
    elif rules == ADD_CERT:
        # ungenerated_certs walks every enrollment of the course (User.objects.filter(courseenrollment__course_id)),
        # active or not, and add_cert does not look: she still gets one.
        rows.append(row('learner: enrolled', 'warn', 'enrolled, INACTIVE (unenrolled): this release\'s generation '
                                                     'still takes her'))
    else:
        rows.append(row('learner: enrolled', 'blocks', 'enrolled, INACTIVE (unenrolled)',
                        'the learner unenrolled: the generation takes active enrollments only; re-enroll the '
                        'learner'))
    mode = learner.get('mode')
    if rules == ADD_CERT and mode == 'audit':
        # add_cert acts on the audit mode only through AUDIT_CERT_CUTOFF_DATE (the "audit cutoff" row).
        rows.append(row('learner: mode', 'ok', 'mode audit: this release certifies audit learners unless the '
                                               'audit cutoff says otherwise'))
    else:
        rows.append(row('learner: mode', 'ok' if learner.get('mode_eligible') else 'blocks',
                        'mode %s %s' % (mode, 'can earn a certificate' if learner.get('mode_eligible') else
                                        'can never earn a certificate'),
                        None if learner.get('mode_eligible') else
                        'the learner must change to a certificate mode (honor, verified, ...); give the course one '
                        'with openedx_certificates_course_modes and run playbooks/site.yml'))
    if learner.get('ccx'):
        rows.append(row('learner: not a CCX course', 'blocks', 'a CCX course key: no certificates', None))
    if learner.get('allowlisted') and not allowlisted:
        rows.append(row('learner: allowlisted', 'info',
                        'on the allowlist, which this release\'s generation (add_cert) does not read: the '
                        'grade still counts'))
    else:
        rows.append(row('learner: not allowlisted' if not allowlisted else 'learner: allowlisted', 'info',
                        'on the allowlist: the grade, beta tester and CCX checks are skipped' if allowlisted else
                        'not on the allowlist'))
    beta = learner.get('beta_tester')
    rows.append(row('learner: not a beta tester', 'blocks' if beta and not allowlisted else 'ok',
                    'a beta tester of the course' if beta else 'not a beta tester',
                    'remove the learner from the course\'s beta testers' if beta and not allowlisted else None))
    passing = learner.get('passing')
    percent = learner.get('percent_grade')
    cutoff = course.get('lowest_passing_grade')
    grade_text = 'no persisted grade' if passing is None else '%s (persisted grade %s%%%s)' % (
        'passing' if passing else 'not passing', int(round((percent or 0) * 100)),
        ', the course\'s pass cutoff %s%%' % int(round(cutoff * 100)) if cutoff is not None else '')
    if allowlisted and not passing:
        grade_text += '; allowlisted, so the grade is not checked'
    rows.append(row('learner: passing grade', 'ok' if passing or allowlisted else 'blocks', grade_text,
                    None if passing or allowlisted else 'the learner has not passed: nothing to fix in the '
                                                        'setup (or add the learner to the allowlist)'))
    invalidated = learner.get('invalidated')
    rows.append(row('learner: not invalidated', 'blocks' if invalidated else 'ok',
                    'an active certificate invalidation' if invalidated else 'no invalidation',
                    'remove the invalidation (instructor dashboard, Certificates) and run playbooks/generate.yml '
                    '-e course_id=%s' % course_id if invalidated else None))
    rows.append(_idv_row(learner, course_id, settings, [m.get('slug') for m in course.get('modes') or []], rules))
    return rows


# CourseMode.NON_VERIFIED_MODES (common/djangoapps/course_modes/models.py): the generation handler asks no
# ID verification of them. GeneratedCertificate.VERIFIED_CERTS_MODES: the modes the legacy add_cert asks one of.
NON_VERIFIED_MODES = ('honor', 'audit', 'no-id-professional')
VERIFIED_CERTS_MODES = ('verified', 'credit', 'masters')


def _idv_row(learner, course_id, settings, course_modes, rules):
    """Whether the missing ID verification keeps the certificate from her, as the release decides it:
    add_cert (legacy) makes it in honor mode when the course has one, else writes unverified; the handler
    asks one of every mode outside NON_VERIFIED_MODES, from Nutmeg on only with
    FEATURES['ENABLE_CERTIFICATES_IDV_REQUIREMENT'] (``'absent'``: the release predates that flag)."""
    check = 'learner: ID verification'
    if learner.get('verified'):
        return row(check, 'ok', 'approved')
    fix = _STATUS_FIXES['unverified'].format(course=course_id)
    if (learner.get('certificate') or {}).get('status') == 'unverified':
        return row(check, 'blocks', 'not approved, and the certificate is unverified', fix)
    mode = learner.get('mode')
    requirement = settings.get('idv_requirement')
    if rules == ADD_CERT:
        if mode not in VERIFIED_CERTS_MODES:
            needed, why = False, 'mode %s asks none' % mode
        elif 'honor' in course_modes:
            needed, why = False, 'the course has an honor mode: the certificate is made in honor mode'
        else:
            needed, why = True, 'mode %s without an honor mode in the course: the generation writes ' \
                                'unverified' % mode
    elif mode in NON_VERIFIED_MODES:
        needed, why = False, 'mode %s asks none' % mode
    elif requirement == 'absent':
        needed, why = True, 'this release\'s generation handler asks one of mode %s' % mode
    elif requirement:
        needed, why = True, 'ENABLE_CERTIFICATES_IDV_REQUIREMENT is on: mode %s asks one' % mode
    else:
        needed, why = False, 'ENABLE_CERTIFICATES_IDV_REQUIREMENT is %s' % (
            'off' if requirement is False else 'not readable')
    if needed:
        return row(check, 'blocks', 'not approved; %s' % why, fix)
    return row(check, 'info', 'not approved (%s)' % why)


def after_audit_cutoff(certificate, settings):
    """Whether add_cert's cutoff rule (``cutoff and cert.created_date >= cutoff``) holds for a learner: her
    row's, or, without a row, one that a generation would create now; None without a cutoff."""
    if certificate is not None and certificate.get('after_audit_cutoff') is not None:
        return certificate['after_audit_cutoff']
    if certificate is not None and (certificate.get('status') or '').startswith('audit_'):
        return True
    return settings.get('audit_cutoff_passed')


def audit_cutoff_row(learner, course_id, settings, rules):
    """AUDIT_CERT_CUTOFF_DATE: read by add_cert alone (Hawthorn to Lilac; Maple dropped it), for audit
    enrollments; None when it is not set."""
    cutoff = settings.get('audit_cert_cutoff_date')
    if not cutoff:
        return None
    check = 'audit cutoff'
    if rules != ADD_CERT:
        return row(check, 'info', 'AUDIT_CERT_CUTOFF_DATE is %s, which this release\'s generation does not '
                                  'read' % cutoff)
    if learner.get('mode') != 'audit':
        return row(check, 'info', 'AUDIT_CERT_CUTOFF_DATE is %s; it concerns audit enrollments only' % cutoff)
    certificate = learner.get('certificate')
    after = after_audit_cutoff(certificate, settings)
    which = 'her certificate row was created' if certificate is not None else 'a row made now would be'
    if not after:
        return row(check, 'ok', 'AUDIT_CERT_CUTOFF_DATE is %s; %s before it: the audit mode still earns one'
                   % (cutoff, which))
    regenerate = ' -e regenerate_statuses=%s' % certificate['status'] if certificate is not None and \
        certificate.get('status') in ('audit_passing', 'audit_notpassing') else ''
    return row(check, 'blocks',
               'AUDIT_CERT_CUTOFF_DATE is %s; %s on or after it: an audit enrollment earns audit_passing, no '
               'certificate' % (cutoff, which),
               'move the cutoff past today (playbooks/audit_cutoff.yml -e cutoff_date=YYYY-MM-DD -e apply=true) '
               'or change her enrollment to a certificate mode; then run playbooks/generate.yml -e course_id=%s%s'
               % (course_id, regenerate))


def _policy_rows(policy, course_id, certified_by_handler, has_row):
    """The generation policy; it blocks only a learner the handler would certify and who has no row."""
    rows = []
    auto = policy.get('auto_generation')
    if auto is None:
        rows.append(row('policy: automatic generation', 'n/a', 'this release has no such switch'))
    elif auto:
        rows.append(row('policy: automatic generation', 'ok', 'the switch certificates.auto_certificate_generation '
                                                              'is on: a learner who passes gets one by herself'))
    else:
        blocks = certified_by_handler and not has_row
        rows.append(row('policy: automatic generation', 'blocks' if blocks else 'info',
                        'the switch certificates.auto_certificate_generation is off: nothing asks for a '
                        'certificate when a learner passes',
                        'set openedx_certificates_auto_generation: true and run playbooks/site.yml, or run '
                        'playbooks/generate.yml -e course_id=%s' % course_id if blocks else None))
    self_site, self_course = policy.get('self_generation'), policy.get('course_self_generation')
    if self_site is None:
        rows.append(row('policy: self-generation', 'n/a', 'this release has no self-generation configuration'))
    else:
        on = bool(self_site and self_course)
        rows.append(row('policy: self-generation', 'ok' if on else 'info',
                        'site-wide %s, course %s: the learner %s request it on the progress page'
                        % ('on' if self_site else 'off', 'on' if self_course else 'off', 'can' if on else 'cannot')))
    return rows


def _html_view_mode(rows, html_view, learner):
    """The page reads the configuration's section of the certificate's mode over "default"
    (webview.py _update_configuration_context): without one, the mode's texts are the defaults."""
    mode = (learner.get('certificate') or {}).get('mode') or learner.get('mode')
    sections = html_view.get('sections') or []
    for item in rows:
        if item['check'] == 'HTML view configuration' and item['result'] == 'ok' and mode and mode not in sections:
            item.update(result='warn', detail='%s; no "%s" section: her page shows the default texts for her mode'
                                              % (item['detail'], mode),
                        fix='add the mode to openedx_certificates_modes and run playbooks/site.yml')


def learner_checks(facts, studio=None, worker=None, page=None, rules=None, running=None):
    """Every row for one learner, in order; ``worker`` and ``page`` are the host's own looks (or None);
    ``rules`` is HANDLER (Maple and later, generation_handler.py) or ADD_CERT (ungenerated_certs releases)."""
    rules = rules or HANDLER
    course_id = facts['course_id']
    learner = facts['learner']
    settings = facts.get('settings') or {}
    course = facts.get('course') or {}
    rows = platform_checks(facts, studio, running)
    _html_view_mode(rows, facts.get('html_view') or {}, learner)
    handler = _handler_rows(learner, course_id, settings, course, rules)
    rows.extend(handler)
    # Part of add_cert's own decision, so before the policy (which blocks only a learner it would certify).
    cutoff_row = audit_cutoff_row(learner, course_id, settings, rules)
    if cutoff_row is not None:
        rows.append(cutoff_row)
    certificate = learner.get('certificate')
    certified_by_handler = not any(r['result'] == 'blocks' for r in rows)
    rows.extend(_policy_rows(facts.get('policy') or {}, course_id, certified_by_handler, certificate is not None))
    if certificate is None:
        rows.append(row('certificate row', 'blocks', 'none: no generation has written one for this learner',
                        'run playbooks/generate.yml -e course_id=%s' % course_id))
    elif certificate.get('status') == 'downloadable':
        rows.append(row('certificate row', 'ok', 'downloadable (mode %s)' % certificate.get('mode')))
    else:
        status = certificate.get('status')
        rows.append(row('certificate row', 'blocks', 'status %s (mode %s)' % (status, certificate.get('mode')),
                        _STATUS_FIXES.get(status, 'run playbooks/generate.yml -e course_id=%s -e '
                                                  'regenerate_statuses=%s' % (course_id, status))
                        .format(course=course_id)))
    if worker is not None:
        rows.append(worker_row(worker, course_id))
    viewable = course.get('viewable_now')
    if viewable is None:
        rows.append(row('display: viewable now', 'n/a', 'the release\'s display rule could not be asked'))
    else:
        behaviour = course.get('certificates_display_behavior') or 'end'
        rows.append(row('display: viewable now', 'ok' if viewable else 'blocks',
                        'display behaviour %s, available date %s, course end %s' % (
                            behaviour, course.get('certificate_available_date') or 'none',
                            course.get('end') or 'none'),
                        None if viewable else 'the learner sees the certificate once the course has ended or its '
                                              'certificate available date has passed (Studio, Schedule & Details)'))
    if page is not None:
        rows.append(page_row(page, running))
    return rows


def worker_row(worker, course_id):
    if worker.get('alive') is False:
        return row('workers', 'blocks', worker.get('detail') or 'the LMS workers are not running',
                   'start the LMS workers (%s)' % (worker.get('services') or 'edxapp workers'))
    waiting = worker.get('waiting') or 0
    detail = (worker.get('detail') or 'running') + (
        '; %d generation task(s) a toolkit run published for %s still waiting' % (waiting, course_id)
        if waiting else '')
    return row('workers', 'warn' if waiting else ('ok' if worker.get('alive') else 'info'), detail,
               'wait, or run playbooks/generate.yml -e course_id=%s -e requeue_waiting=true if the broker lost '
               'them' % course_id if waiting else None)


def page_row(page, running=None):
    if page.get('ok'):
        return row('certificate page', 'ok', '%s: HTTP %s, the certificate renders' % (page['url'], page['status']))
    # What the running LMS does: with a restart pending, the settings it runs with are the likely cause.
    fix = ('restart the LMS (%s): it started before its config last changed' % running.get('service')
           if restart_pending(running) else None)
    return row('certificate page', 'blocks' if page.get('status') else 'warn',
               '%s: %s' % (page.get('url'), page.get('detail')), fix)


def first_blocker(rows):
    for item in rows:
        if item['result'] == 'blocks':
            return item
    return None


def summary_reason(item, rules=None, settings=None):
    """The blocking reason of one passing (or allowlisted) learner without a downloadable certificate."""
    skips = bool(item.get('allowlisted')) and (rules or HANDLER) == HANDLER
    if item.get('invalidated'):
        return 'invalidated'
    if item.get('mode') is None:
        return 'not enrolled'
    if item.get('ccx') and not skips:
        return 'ccx course'
    if item.get('beta_tester') and not skips:
        return 'beta tester'
    if item.get('passing') is not True and not skips:
        return 'not passing'
    if not item.get('mode_eligible'):
        if (rules or HANDLER) != ADD_CERT or item.get('mode') != 'audit':
            return item.get('mode') or 'mode not eligible'
        status = item.get('status')
        if (status or '').startswith('audit_') or (status is None and (settings or {}).get('audit_cutoff_passed')):
            return 'audit after the cutoff'
    if item.get('status') == 'unverified':
        return 'unverified'
    if not item.get('html_enabled'):
        return 'html certificates off'
    if item.get('status') is None:
        return 'no row yet'
    return 'status %s' % item['status']


def course_summary(facts, rules=None):
    """Figures of the whole course and its passing learners without a certificate counted by reason."""
    summary = facts['summary']
    reasons = {}
    for item in summary['learners']:
        reason = summary_reason(item, rules, facts.get('settings'))
        reasons[reason] = reasons.get(reason, 0) + 1
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    return {'active_learners': summary['active_learners'], 'passing': summary['passing'],
            'downloadable': summary['downloadable'], 'passing_without_certificate': len(summary['learners']),
            'reasons': dict(ordered),
            'line': ', '.join('%d %s' % (n, reason) for reason, n in ordered) or 'none'}


def render_table(rows, width=70):
    """The rows as fixed-width text lines (check, result, detail), details cut at ``width``."""
    check_w = max([len('check')] + [len(r['check']) for r in rows])
    lines = ['%-*s  %-6s  %s' % (check_w, 'check', 'result', 'detail')]
    for item in rows:
        detail = item['detail'] if len(item['detail']) <= width else item['detail'][:width - 3] + '...'
        lines.append('%-*s  %-6s  %s' % (check_w, item['check'], item['result'], detail))
    return lines


def _cell(text):
    return (text or '').replace('\\', '\\\\').replace('|', '\\|').replace('\n', ' ')


def render_markdown(title, rows, blocker, summary=None):
    """A markdown report: the table, the first blocker and its fix, and the course figures."""
    out = ['# %s' % _cell(title), '', '| check | result | detail | fix |', '|---|---|---|---|']
    for item in rows:
        cells = (_cell(item['check']), item['result'], _cell(item['detail']), _cell(item.get('fix')))
        out.append('| %s | %s | %s | %s |' % cells)
    out.append('')
    if blocker is None:
        out.append('Nothing blocks.')
    else:
        out.append('**First blocking check:** %s: %s' % (_cell(blocker['check']), _cell(blocker['detail'])))
        if blocker.get('fix'):
            out.extend(['', '**Fix:** %s' % _cell(blocker['fix'])])
    if summary is not None:
        out.extend(['', '## The course', '',
                    '- active learners: %d' % summary['active_learners'],
                    '- passing (or allowlisted): %d' % summary['passing'],
                    '- with a downloadable certificate: %d' % summary['downloadable'],
                    '- passing without one: %d (%s)' % (summary['passing_without_certificate'], _cell(summary['line']))])
    return '\n'.join(out) + '\n'
