# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which learners a certificate generation sends to the platform, and why not the others.

The one place for that decision. The generation ops of
``openedx_runner_certs`` run these functions inside the platform process
(``SELECTION_SOURCE`` is their own source text, as ``write_json`` is shipped
there), on rows read with the platform's ORM; ``bench/bench_generate.py``
asks that same op for the learner ids it gives the bare command. So they
must stay self-contained (only ``hashlib``), Python 2.7 and 3.5+, ASCII.

The real platform's bulk generation (the instructor dashboard's "Generate
certificates", ``lms/djangoapps/instructor_task/tasks_helper/certs.py``,
``generate_students_certificates`` and ``students_require_certificate``,
read in openedx/openedx-platform at e57a655d, the same as the 2021 copy of
openedx/edx-platform) picks:

* the learners with an ACTIVE enrollment in the course
  (``CourseEnrollment.objects.users_enrolled_in(course_id)``, whose
  ``include_inactive`` defaults to false: student/models.py);
* without ``statuses_to_regenerate``: less the learners who have a
  certificate in the course whose status is not ``unavailable`` (a learner
  without a certificate row, or with an ``unavailable`` one, is picked);
* with ``statuses_to_regenerate``: only the learners whose certificate in
  the course has one of those statuses (a learner without a row is not
  picked, whatever the list).

Then it calls ``generate_certificate_task`` for each, which decides
(``lms/djangoapps/certificates/generation_handler.py``). One quirk of the
real query is not reproduced: its "already has a certificate" set is built
with ``~Q(generatedcertificate__status=unavailable)`` next to the course
filter, which Django turns into "has no unavailable certificate in ANY
course"; a learner with an unavailable certificate elsewhere is picked there
even with a downloadable one here, and then refused by the handler (an
existing downloadable certificate). The toolkit reads the statuses of this
course only, which is what the function's docstring says it does.

Before publishing anything, the toolkit leaves out the learners the platform
would certainly refuse without writing anything, for a reason it reads from
the data the way the platform does (``select_learners``):

* ``mode_not_eligible``: the enrollment mode is not eligible for a
  certificate, as the platform's own ``is_eligible_for_certificate``
  answers it (``common/djangoapps/course_modes/api.py`` wrapping
  ``CourseMode.is_eligible_for_certificate``: ``audit`` never, ``honor``
  not with ``FEATURES['DISABLE_HONOR_CERTIFICATES']``). The handler checks
  the mode in the common checks of both its paths, regular and allowlist,
  and in the gate of every status it could set
  (``_can_set_cert_status_common``), so such a learner gets no task and no
  status change, whatever else is true of them;
* ``html_certificates_disabled``: a whole course whose HTML certificates are
  off (the platform's ``has_html_certificates_enabled``) is refused the same
  way, by the same checks.

Nothing else is left out in advance: a failing grade, for instance, is the
handler's to read (it may compute a grade the toolkit cannot see), and with a
certificate row it sets ``notpassing``, a change. Those learners are sent, and
what the platform answered is sorted afterwards (``declined_reason``).
"""

from __future__ import absolute_import, division, print_function

import inspect

__metaclass__ = type

# Every reason the toolkit gives, with how it knows it: "read" when the data
# it looks at is what the platform decides on (the same rows, or the
# platform's own function), "inferred" when the platform decides on
# something the toolkit can only approximate from the data.
REASONS = {
    # Left out before publishing (select_learners).
    'inactive_enrollment': ('read', 'the enrollment is not active: the bulk generation takes active '
                                    'enrollments only (users_enrolled_in)'),
    'has_certificate': ('read', 'a certificate in the course with a status other than unavailable: the '
                                'bulk generation skips it (students_require_certificate)'),
    'not_in_regenerate_statuses': ('read', 'regenerating: no certificate in the course, or one whose status '
                                           'is not among regenerate_statuses'),
    'mode_not_eligible': ('read', 'the enrollment mode can never earn a certificate (the platform\'s '
                                  'is_eligible_for_certificate answered false): refused with no status change'),
    'html_certificates_disabled': ('read', 'HTML certificates are off for the course (the platform\'s '
                                           'has_html_certificates_enabled): every learner refused, nothing '
                                           'written'),
    'task_still_waiting': ('read', 'a generation task an earlier run published is still waiting for a worker '
                                   '(not queued twice unless requeue_waiting)'),
    # Published or decided by the platform (what generate_certificate_task did).
    'id_verification_missing': ('read', 'the platform published a task with status unverified, or marked the '
                                        'certificate unverified: no approved ID verification where the mode '
                                        'needs one'),
    # Declined: generate_certificate_task answered false (declined_reason).
    'ccx_course': ('read', 'a CCX course key (regular path)'),
    'beta_tester': ('read', 'a beta tester of the course (student_courseaccessrole beta_testers; regular '
                            'path, not allowlisted)'),
    'not_passing': ('inferred', 'no passing grade: read from the persisted course grade '
                                '(grades_persistentcoursegrade.passed_timestamp); the platform may compute a '
                                'grade that is not persisted'),
    'invalidated': ('read', 'an active certificate invalidation'),
    'no_enrollment': ('read', 'no enrollment in the course when the platform looked'),
    'already_downloadable': ('read', 'a downloadable certificate whose mode was already eligible: the '
                                     'platform does not regenerate it'),
    'no_course_overview': ('read', 'no course overview row'),
    'refused_by_filter': ('read', 'an openedx-filters pipeline (CertificateCreationRequested) refused it'),
    'user_not_found': ('read', 'cert_generation found no user with that id and did not ask'),
    'unknown': ('inferred', 'the platform answered false and the data shows none of the reasons above'),
}


# ---------------------------------------------------------------- shipped into the platform process
# (self-contained functions: see the module docstring)

def select_learners(enrollments, certificate_statuses, regenerate_statuses=None, mode_is_eligible=None,
                    active_only=True, missing_status=None):
    """The learners to send, and every other learner counted by the reason it is left out.

    ``enrollments``: (user id, mode, is active) for each enrollment of the
    course (one per learner: the platform's table is unique on user and
    course). ``certificate_statuses``: {user id: status} of the course's
    certificate rows. ``regenerate_statuses``: the statuses to regenerate
    (empty: the bulk generation's choice). ``mode_is_eligible``: the
    platform's answer for a mode (called once per mode), or None to keep
    every mode. ``active_only`` false keeps inactive enrollments (the legacy
    ``ungenerated_certs`` walks them all). ``missing_status``: the status of
    a learner without a row when regenerating (None: not picked, as the
    bulk generation's join; the legacy command reads ``unavailable`` for
    them, ``certificate_status_for_student``).

    Returns (sorted user ids, left_out), left_out being
    {reason: {detail: learners}}: ``inactive_enrollment`` by mode,
    ``has_certificate`` and ``not_in_regenerate_statuses`` by status
    (``none`` for no row), ``mode_not_eligible`` by mode. A learner is
    counted once, under the first reason in that order.
    """
    wanted = set(regenerate_statuses or ())
    eligible = {}
    selected = []
    left_out = {}

    def leave(reason, detail):
        counts = left_out.setdefault(reason, {})
        counts[detail] = counts.get(detail, 0) + 1

    for user_id, mode, is_active in enrollments:
        if active_only and not is_active:
            leave('inactive_enrollment', mode or 'none')
            continue
        status = certificate_statuses.get(user_id, missing_status)
        if wanted:
            if status not in wanted:
                leave('not_in_regenerate_statuses', status or 'none')
                continue
        elif status not in (None, 'unavailable'):
            leave('has_certificate', status)
            continue
        if mode_is_eligible is not None:
            if mode not in eligible:
                eligible[mode] = bool(mode_is_eligible(mode))
            if not eligible[mode]:
                leave('mode_not_eligible', mode or 'none')
                continue
        selected.append(user_id)
    selected.sort()
    return selected, left_out


def selection_digest(user_ids):
    """A short fingerprint of a set of user ids: two runs sent the same learners when it is the same."""
    import hashlib
    text = ','.join('%d' % uid for uid in sorted(int(uid) for uid in user_ids))
    return hashlib.sha256(text.encode('ascii')).hexdigest()[:16]


def declined_reason(facts):
    """Why ``generate_certificate_task`` answered false for one learner, from the data.

    ``facts`` (a dict): ``allowlisted``, ``ccx``, ``beta_tester``,
    ``passing`` (the persisted grade; None when there is none),
    ``invalidated``, ``mode`` (None without an enrollment),
    ``mode_eligible``, ``status`` and ``cert_mode_eligible`` (of an existing
    certificate), ``overview``, ``html_enabled``. The checks go in the order
    of generation_handler.py: the regular path (not allowlisted) checks CCX,
    beta tester and grade first; then the common checks of both paths
    (``_can_generate_certificate_common``). The first that fails is the
    reason; a failing grade is "inferred" (see REASONS).
    """
    if not facts.get('allowlisted'):
        if facts.get('ccx'):
            return 'ccx_course'
        if facts.get('beta_tester'):
            return 'beta_tester'
        if not facts.get('passing'):
            return 'not_passing'
    if facts.get('invalidated'):
        return 'invalidated'
    if facts.get('mode') is None:
        return 'no_enrollment'
    if not facts.get('mode_eligible'):
        return 'mode_not_eligible'
    if facts.get('status') == 'downloadable' and facts.get('cert_mode_eligible', True):
        # Regenerated only when its mode was not eligible and the enrollment's now is.
        return 'already_downloadable'
    if not facts.get('overview'):
        return 'no_course_overview'
    if not facts.get('html_enabled'):
        return 'html_certificates_disabled'
    return 'unknown'


SHIPPED_FUNCTIONS = (select_learners, selection_digest, declined_reason)

SELECTION_SOURCE = (
    '\n# openedx_cert_selection, shipped as its source text.\n\n'
    + '\n\n'.join(inspect.getsource(func) for func in SHIPPED_FUNCTIONS)
)


def reason_how(reason):
    """'read' or 'inferred' for a reason name (unknown names: 'inferred')."""
    return REASONS.get(reason, ('inferred', ''))[0]
