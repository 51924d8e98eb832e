# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The diagnosis op for the platform runner (see ``openedx_runner``).

``DIAGNOSE_SOURCE`` is Python source text (2.7 and 3.5+, ASCII), added to the
runner after ``CERTS_SOURCE`` (it uses that source's helpers: ``_model``,
``_course_key``, ``_course_exists``, ``_mode_eligibility``,
``_html_certificates_enabled``, ``_declined_facts``, ``_chunks``).

``diagnose(course_id, learner=None)`` reads, in the LMS process and changing
nothing, what the platform decides a certificate on; the order of the checks
and what they mean are ``openedx_diagnosis``'s (the module's side), not
this op's. It returns raw facts:

``settings``
    ``CERTIFICATES_HTML_VIEW`` and ``ENABLE_CERTIFICATES_IDV_REQUIREMENT`` as
    the RUNNING LMS settings see them (``settings.FEATURES``, which from Ulmo
    on is the proxy over the flat settings), and ``AUDIT_CERT_CUTOFF_DATE``.
``html_view``
    the current ``CertificateHtmlViewConfiguration`` (django-config-models'
    ``current()``): enabled, its sections, or why it cannot be read.
``course``
    the course overview's fields the page and the handler read, the course's
    modes with the platform's own eligibility answer, and its active course
    certificate (``get_active_web_certificate`` on the modulestore course, as
    the certificate page asks it).
``policy``
    the waffle switch ``certificates.auto_certificate_generation``, the
    self-generation configuration and the course's self-generation setting;
    None for a part this release lacks.
``learner``
    with ``learner`` (a username, an email or a user id): the user, the
    enrollment, the facts ``declined_reason`` reads (allowlist, beta tester,
    invalidation, persisted grade), the ID verification as
    ``IDVerificationService.user_is_verified`` answers, and the certificate
    row.
``summary``
    without ``learner``: every active learner, and for those who pass (or are
    allowlisted) but hold no downloadable certificate, the facts the module
    sorts into blocking reasons (``_declined_facts``' bulk reads and the
    certificate status; an unverified learner shows as that status).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DIAGNOSE_SOURCE = r'''

# openedx_runner_diagnose

_DIAG_UNSET = object()


def _diag_feature(name, absent=False):
    """FEATURES[name] as a bool; ``absent`` when the release defines no such key; None when unreadable."""
    from django.conf import settings
    features = getattr(settings, 'FEATURES', None)
    if features is None:
        return None
    try:
        value = features.get(name, _DIAG_UNSET)
    except Exception:  # pylint: disable=broad-except
        return None
    return absent if value is _DIAG_UNSET else bool(value)


def _diag_audit_cutoff():
    """settings.AUDIT_CERT_CUTOFF_DATE as an aware datetime, or None (unset, or a release without it).
    The settings parse it with dateutil; a date without a zone is taken as UTC, as the database's."""
    import datetime
    from django.conf import settings
    from django.utils import timezone
    cutoff = getattr(settings, 'AUDIT_CERT_CUTOFF_DATE', None)
    if not cutoff or not isinstance(cutoff, datetime.date):
        return None
    if not isinstance(cutoff, datetime.datetime):
        cutoff = datetime.datetime(cutoff.year, cutoff.month, cutoff.day)
    if timezone.is_naive(cutoff):
        # datetime.timezone is Python 3's; the Python 2.7 releases (Hawthorn) have pytz.
        utc = datetime.timezone.utc if hasattr(datetime, 'timezone') else __import__('pytz').utc
        cutoff = timezone.make_aware(cutoff, utc)
    return cutoff


def _diag_settings():
    from django.conf import settings
    from django.utils import timezone
    raw = getattr(settings, 'AUDIT_CERT_CUTOFF_DATE', None)
    cutoff = _diag_audit_cutoff()
    # ENABLE_CERTIFICATES_IDV_REQUIREMENT came with Nutmeg (lms/envs/common.py defines it, False): 'absent'
    # says the release predates it, where the generation handler always wants an approved verification.
    return {'certificates_html_view': _diag_feature('CERTIFICATES_HTML_VIEW'),
            'idv_requirement': _diag_feature('ENABLE_CERTIFICATES_IDV_REQUIREMENT', absent='absent'),
            'audit_cert_cutoff_date': _iso(raw) if hasattr(raw, 'isoformat') else raw,
            # add_cert compares the row's created_date with the cutoff; a row made now is made after it.
            'audit_cutoff_passed': None if cutoff is None else timezone.now() >= cutoff}


def _diag_html_view():
    model = _model('certificates', 'CertificateHtmlViewConfiguration')
    if model is None:
        return {'model': False}
    current = model.current()
    state = {'model': True, 'row': getattr(current, 'id', None) is not None,
             'enabled': bool(getattr(current, 'enabled', False)), 'sections': None, 'parse_error': None}
    try:
        parsed = json.loads(getattr(current, 'configuration', '') or '{}')
        state['sections'] = sorted(parsed) if isinstance(parsed, dict) else None
        if not isinstance(parsed, dict):
            state['parse_error'] = 'the configuration is not a JSON object'
    except ValueError as exc:
        state['parse_error'] = _text(exc)
    return state


def _diag_active_certificate(key):
    """(active configuration or None, how it was read); the certificate page's own question."""
    try:
        get_active = import_first('lms.djangoapps.certificates.api.get_active_web_certificate',
                                  'certificates.api.get_active_web_certificate')
        store = import_first('xmodule.modulestore.django.modulestore')
    except OpError as exc:
        return None, 'cannot ask: %s' % exc
    course = store().get_course(key)
    if course is None:
        return None, 'the modulestore has no such course'
    return get_active(course), 'read'


def _diag_course(key):
    exists, course = _course_exists(key)
    info = {'exists': bool(exists)}
    if not exists:
        return info
    for field in ('cert_html_view_enabled', 'certificates_display_behavior', 'self_paced', 'display_name'):
        value = getattr(course, field, None)
        info[field] = _text(value) if isinstance(value, type(u'')) or field == 'display_name' else value
    for field in ('certificate_available_date', 'end'):
        info[field] = _iso(getattr(course, field, None))
    # The grading policy's lowest cutoff (a Decimal fraction; None where the overview lacks it).
    cutoff = getattr(course, 'lowest_passing_grade', None)
    info['lowest_passing_grade'] = float(cutoff) if cutoff is not None else None
    info['html_certificates_enabled'] = _html_certificates_enabled(key)
    try:
        viewable = import_first('lms.djangoapps.certificates.api.certificates_viewable_for_course',
                                'openedx.core.djangoapps.certificates.api.certificates_viewable_for_course')
        info['viewable_now'] = bool(viewable(course))
    except OpError:
        info['viewable_now'] = None
    eligible = _mode_eligibility()
    mode_model = _model('course_modes', 'CourseMode')
    modes = []
    if mode_model is not None:
        for slug in sorted(set(_text(m) for m in mode_model.objects.filter(course_id=key).values_list(
                'mode_slug', flat=True))):
            modes.append({'slug': slug, 'eligible': bool(eligible(slug)) if eligible is not None else None})
    info['modes'] = modes
    info['modes_table'] = mode_model is not None
    active, how = _diag_active_certificate(key)
    info['active_certificate'] = None if active is None else {
        'name': _text(active.get('name') or ''), 'signatories': len(active.get('signatories') or [])}
    info['active_certificate_read'] = how
    return info


def _diag_policy(key):
    policy = {'auto_generation': None, 'self_generation': None, 'course_self_generation': None}
    try:
        switch = import_first('waffle.models.Switch')
    except OpError:
        switch = None
    if switch is not None:
        row = switch.objects.filter(name='certificates.auto_certificate_generation').first()
        policy['auto_generation'] = bool(row.active) if row is not None else False
    config = _model('certificates', 'CertificateGenerationConfiguration')
    if config is not None:
        policy['self_generation'] = bool(config.current().enabled)
    setting = _model('certificates', 'CertificateGenerationCourseSetting')
    if setting is not None:
        # The model's own get(): the course's latest row.
        row = setting.get(key) if callable(getattr(setting, 'get', None)) else \
            setting.objects.filter(course_key=key).first()
        policy['course_self_generation'] = bool(row.self_generation_enabled) if row is not None else False
    return policy


def _diag_find_user(learner):
    from django.contrib.auth import get_user_model
    users = get_user_model().objects
    text = _text(learner).strip()
    found = users.filter(username=text).first()
    if found is None and '@' in text:
        found = users.filter(email__iexact=text).first()
    if found is None and text.isdigit():
        found = users.filter(id=int(text)).first()
    return found


def _diag_verified(user):
    try:
        service = import_first('lms.djangoapps.verify_student.services.IDVerificationService',
                               'verify_student.services.IDVerificationService')
    except OpError:
        return None
    return bool(service.user_is_verified(user))


def _diag_certificate_row(key, user_id):
    certificate = _required_model('certificates', 'GeneratedCertificate')
    row = certificate.objects.filter(course_id=key, user_id=user_id).first()
    if row is None:
        return None
    cutoff = _diag_audit_cutoff()
    created = getattr(row, 'created_date', None)
    return {'status': _text(row.status), 'mode': _text(row.mode),
            'verify_uuid': _text(getattr(row, 'verify_uuid', '') or ''),
            'created': _iso(created), 'modified': _iso(getattr(row, 'modified_date', None)),
            'after_audit_cutoff': None if cutoff is None or created is None else created >= cutoff}


def _diag_learner(key, learner):
    user = _diag_find_user(learner)
    if user is None:
        raise OpError('learner %s: no user with that username, email or id on this platform' % learner)
    enrollment = _required_model('student', 'CourseEnrollment')
    row = enrollment.objects.filter(course_id=key, user_id=user.id).first()
    # The allowlist, invalidation, beta tester and persisted grade (passing, percent_grade) in one read each.
    facts = _declined_facts(key, [user.id])[user.id]
    facts.update({
        'user_id': user.id, 'username': _text(user.username), 'user_active': bool(user.is_active),
        'enrolled': row is not None, 'enrollment_active': bool(row.is_active) if row is not None else None,
        'enrollment_created': _iso(getattr(row, 'created', None)) if row is not None else None,
        'verified': _diag_verified(user),
        'certificate': _diag_certificate_row(key, user.id),
    })
    return facts


def _diag_summary(key):
    enrollment = _required_model('student', 'CourseEnrollment')
    certificate = _required_model('certificates', 'GeneratedCertificate')
    allowlist = _model('certificates', 'CertificateAllowlist')
    grade = _model('grades', 'PersistentCourseGrade')
    active = set(enrollment.objects.filter(course_id=key, is_active=True).values_list('user_id', flat=True))
    passing = set()
    if grade is not None:
        passing = set(grade.objects.filter(course_id=key, passed_timestamp__isnull=False).values_list(
            'user_id', flat=True))
    if allowlist is not None:
        passing |= set(allowlist.objects.filter(course_id=key, allowlist=True).values_list('user_id', flat=True))
    passing &= active
    statuses = dict(certificate.objects.filter(course_id=key).order_by().values_list('user_id', 'status'))
    holders = set(uid for uid, status in statuses.items() if status == 'downloadable')
    without = sorted(passing - holders)
    facts = _declined_facts(key, without)
    learners = []
    for uid in without:
        item = facts[uid]
        item['user_id'] = uid
        item['status'] = _text(statuses[uid]) if uid in statuses else None
        learners.append(item)
    return {'active_learners': len(active), 'passing': len(passing),
            'downloadable': len(holders & active), 'learners': learners}


@register_op('diagnose')
def op_diagnose(course_id, learner=None):
    key = _course_key(course_id)
    course = _diag_course(key)
    if not course['exists']:
        raise OpError('course %s does not exist on this platform (no course overview, not in the '
                      'modulestore): check the course id' % course_id)
    result = {'course_id': course_id, 'settings': _diag_settings(), 'html_view': _diag_html_view(),
              'course': course, 'policy': _diag_policy(key)}
    if learner not in (None, ''):
        result['learner'] = _diag_learner(key, learner)
    else:
        result['summary'] = _diag_summary(key)
    return result
'''
