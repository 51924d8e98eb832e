# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generation policy and course mode ops for the platform runner (see
``openedx_runner``).

``POLICY_SOURCE`` is Python source text (2.7 and 3.5+ compatible, ASCII)
added to the runner with ``run_platform_ops(..., extra_sources=[POLICY_SOURCE])``.
The request (``wanted``) is the one ``openedx_generation_policy.check_policy``
builds; ``names`` maps each part to the name to give in messages (the module
option, or the role variable) and ``release`` is the release to name.

``certificate_policy_check(wanted, names, release)``
    Reads only, and runs before any other op writes: refuses what this
    platform cannot do (no django-waffle for ``auto_generation``, no
    ``CertificateGenerationConfiguration`` or ``CertificateGenerationCourseSetting``
    model or field, no ``CourseMode`` model, ``honor`` while
    ``FEATURES['DISABLE_HONOR_CERTIFICATES']`` is on) and course ids that
    are not in ``course_overviews``. One OpError lists every problem.

``certificate_policy(wanted, apply=False, username=None)``
    Compares the platform with ``wanted`` and, with ``apply``, writes what
    differs in ONE transaction: the waffle switch row (created or updated;
    no write when the platform already reads the wanted state, a missing
    row meaning ``WAFFLE_SWITCH_DEFAULT``), a new
    ``CertificateGenerationConfiguration`` row only when the one in force
    differs (no row reads as disabled), per course the latest
    ``CertificateGenerationCourseSetting`` row updated (or one created), and
    the course modes created, updated (only the fields given) or, for
    ``state: absent``, deleted. Rows are built and ``clean()``-ed before the
    first write, so a row the platform refuses writes nothing. Returns each
    part's before/after and ``changed``; in check mode a table that does not
    exist yet (migration pending) is reported in ``tables_missing`` and
    counts as a change.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

POLICY_SOURCE = r'''
# openedx-toolkit generation policy ops (Python 2.7 and 3.5+).

_POLICY_SWITCH = 'certificates.auto_certificate_generation'


def _policy_model(app_label, name):
    from django.apps import apps
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _policy_field_names(model):
    return set(field.name for field in model._meta.get_fields())


def _policy_course_key(course_id):
    from opaque_keys.edx.keys import CourseKey
    return CourseKey.from_string(course_id)


def _policy_utc_text(value):
    if value is None:
        return None
    from django.utils import timezone
    if timezone.is_naive(value):
        return value.replace(microsecond=0).isoformat() + '+00:00'
    return value.astimezone(_policy_utc()).replace(microsecond=0).isoformat()


import datetime as _policy_datetime


class _PolicyUTC(_policy_datetime.tzinfo):
    def utcoffset(self, value):
        return _policy_datetime.timedelta(0)

    def tzname(self, value):
        return 'UTC'

    def dst(self, value):
        return _policy_datetime.timedelta(0)


def _policy_utc():
    return _PolicyUTC()


def _policy_parse_utc(text):
    if text is None:
        return None
    moment = _policy_datetime.datetime.strptime(text[:19], '%Y-%m-%dT%H:%M:%S')
    from django.conf import settings
    if getattr(settings, 'USE_TZ', False):
        return moment.replace(tzinfo=_PolicyUTC())
    return moment


def _policy_expiration_field(model):
    # The real CourseMode keeps the column in _expiration_datetime (with a
    # property in front of it and expiration_datetime_is_explicit); older
    # models and the sandbox name the field expiration_datetime.
    names = _policy_field_names(model)
    if '_expiration_datetime' in names:
        return '_expiration_datetime'
    return 'expiration_datetime'


def _policy_mode_model():
    return _policy_model('course_modes', 'CourseMode')


@register_op('certificate_policy_check')
def op_certificate_policy_check(wanted, names, release=None):
    from django.apps import apps
    from django.conf import settings
    where = 'this platform (%s)' % (('release ' + release) if release else 'release unknown')
    problems = []
    if wanted.get('auto_generation') is not None and not apps.is_installed('waffle'):
        problems.append('%s: %s has no django-waffle, so no switch %s to set; leave it null'
                        % (names['auto_generation'], where, _POLICY_SWITCH))
    if wanted.get('self_generation') is not None and \
            _policy_model('certificates', 'CertificateGenerationConfiguration') is None:
        problems.append('%s: %s has no CertificateGenerationConfiguration model (self-generated '
                        'certificates); leave it null' % (names['self_generation'], where))
    course_settings = wanted.get('course_settings') or {}
    if course_settings:
        model = _policy_model('certificates', 'CertificateGenerationCourseSetting')
        if model is None:
            problems.append('%s: %s has no CertificateGenerationCourseSetting model; leave it empty'
                            % (names['course_settings'], where))
        else:
            fields = _policy_field_names(model)
            for course_id in sorted(course_settings):
                for key in sorted(course_settings[course_id]):
                    if key not in fields:
                        problems.append('%s[%r].%s: CertificateGenerationCourseSetting of %s has no field %s'
                                        % (names['course_settings'], course_id, key, where, key))
    course_modes = wanted.get('course_modes') or {}
    if course_modes:
        if _policy_mode_model() is None:
            problems.append('%s: %s has no course_modes.CourseMode model' % (names['course_modes'], where))
        elif settings.FEATURES.get('DISABLE_HONOR_CERTIFICATES', False):
            for course_id in sorted(course_modes):
                for entry in course_modes[course_id]:
                    if entry['mode_slug'] == 'honor' and entry['state'] == 'present':
                        problems.append(
                            "%s[%r].honor: FEATURES['DISABLE_HONOR_CERTIFICATES'] is on in %s, so the honor "
                            "mode can never earn a certificate there; use another mode (verified, ...) or turn "
                            "that flag off" % (names['course_modes'], course_id, where))
    overview = _policy_model('course_overviews', 'CourseOverview')
    courses = sorted(set(list(course_settings) + list(course_modes)))
    if courses and overview is not None:
        known = set()
        keys = []
        for course_id in courses:
            try:
                keys.append(_policy_course_key(course_id))
            except Exception:
                problems.append('%r is not a course key this platform can read' % course_id)
        for key in overview.objects.filter(id__in=keys).values_list('id', flat=True):
            known.add(_text(key))
        for course_id in courses:
            if course_id in known:
                continue
            where_named = [names[part] for part in ('course_settings', 'course_modes')
                           if course_id in (wanted.get(part) or {})]
            problems.append('%s: course %s is not in course_overviews, so the platform does not know it '
                            '(a typo, a course of another instance, or a course not published yet)'
                            % (' and '.join(where_named), course_id))
    if problems:
        raise OpError('; '.join(problems), details={'problems': problems})
    return {'checked': courses}


def _policy_user(username):
    if not username:
        return None
    from django.contrib.auth import get_user_model
    model = get_user_model()
    try:
        return model.objects.get(username=username)
    except model.DoesNotExist:
        raise OpError('username %r does not exist on the platform; create the user first or leave '
                      'username unset' % username)


def _policy_switch_plan(want):
    from django.conf import settings
    from waffle.models import Switch
    row = Switch.objects.filter(name=_POLICY_SWITCH).first()
    default = bool(getattr(settings, 'WAFFLE_SWITCH_DEFAULT', False))
    before = {'active': bool(row.active) if row is not None else default, 'row': row is not None}
    if before['active'] == want:
        return before, None
    if row is None:
        row = Switch(name=_POLICY_SWITCH, note='Set by the Open edX certificates toolkit')
    row.active = want
    return before, row


def _policy_self_generation_plan(want, user):
    model = _policy_model('certificates', 'CertificateGenerationConfiguration')
    rows = list(model.objects.order_by('-change_date', '-id')[:1])
    before = {'enabled': bool(rows[0].enabled) if rows else False, 'row_id': rows[0].pk if rows else None}
    if before['enabled'] == want:
        return before, None
    return before, model(enabled=want, changed_by=user)


def _policy_course_setting_plans(wanted):
    model = _policy_model('certificates', 'CertificateGenerationCourseSetting')
    plans = []
    for course_id in sorted(wanted):
        key = _policy_course_key(course_id)
        rows = list(model.objects.filter(course_key=key).order_by('-created', '-id')[:1])
        row = rows[0] if rows else None
        fields = sorted(wanted[course_id])
        before = dict((name, getattr(row, name)) for name in fields) if row is not None else None
        after = dict((name, wanted[course_id][name]) for name in fields)
        if row is not None and before == after:
            plans.append({'course_id': course_id, 'action': 'none', 'before': before, 'after': after})
            continue
        if row is None:
            row = model(course_key=key)
        for name in fields:
            setattr(row, name, wanted[course_id][name])
        plans.append({'course_id': course_id, 'action': 'update' if before is not None else 'create',
                      'before': before, 'after': after, '_row': row})
    return plans


def _policy_mode_state(row, fields, expiration_field):
    state = {}
    for name in fields:
        if name == 'expiration_datetime':
            state[name] = _policy_utc_text(getattr(row, expiration_field))
        else:
            state[name] = getattr(row, name)
    return state


def _policy_mode_plans(wanted):
    model = _policy_mode_model()
    expiration_field = _policy_expiration_field(model)
    explicit_flag = 'expiration_datetime_is_explicit' in _policy_field_names(model)
    plans = []
    for course_id in sorted(wanted):
        key = _policy_course_key(course_id)
        for entry in wanted[course_id]:
            slug = entry['mode_slug']
            rows = model.objects.filter(course_id=key, mode_slug=slug)
            base = {'course_id': course_id, 'mode_slug': slug}
            if entry['state'] == 'absent':
                if entry.get('currency'):
                    rows = rows.filter(currency=entry['currency'])
                found = list(rows.order_by('id'))
                base.update(currency=entry.get('currency'),
                            action='delete' if found else 'none',
                            before=[_policy_mode_state(row, ['currency', 'mode_display_name', 'min_price'],
                                                       expiration_field) for row in found],
                            after=[])
                if found:
                    base['_delete'] = found
                plans.append(base)
                continue
            row = rows.filter(currency=entry['currency']).first()
            base['currency'] = entry['currency']
            if row is not None:
                fields = sorted(entry['given'])
                before = _policy_mode_state(row, fields, expiration_field)
                after = dict((name, entry['given'][name]) for name in fields)
                if before == after:
                    base.update(action='none', before=before, after=after)
                    plans.append(base)
                    continue
                base.update(action='update', before=before, after=after)
            else:
                fields = sorted(entry['create'])
                row = model(course_id=key, mode_slug=slug)
                base.update(action='create', before=None, after=dict(entry['create']))
            values = entry['given'] if base['action'] == 'update' else entry['create']
            for name in sorted(values):
                if name == 'expiration_datetime':
                    setattr(row, expiration_field, _policy_parse_utc(values[name]))
                    if explicit_flag:
                        row.expiration_datetime_is_explicit = values[name] is not None
                else:
                    setattr(row, name, values[name])
            base['_row'] = row
            plans.append(base)
    return plans


def _policy_clean(row, what):
    from django.core.exceptions import ValidationError
    if not hasattr(row, 'clean'):
        return
    try:
        row.clean()
    except ValidationError as exc:
        messages = getattr(exc, 'messages', None) or [_text(exc)]
        raise OpError('the platform refuses %s: %s' % (what, '; '.join(_text(m) for m in messages)))


def _policy_public(plans):
    return [dict((k, v) for k, v in plan.items() if not k.startswith('_')) for plan in plans]


@register_op('certificate_policy')
def op_certificate_policy(wanted, apply=False, username=None):
    from django.db import DatabaseError, transaction
    user = _policy_user(username)
    result = {'changed': False, 'tables_missing': [], 'written': False}
    writes = []

    def plan_part(name, table, build):
        try:
            return build()
        except DatabaseError:
            # Its table does not exist yet (its migration is pending): a
            # check run cannot read it; a real run migrated first.
            if apply:
                raise
            result['tables_missing'].append(table)
            result['changed'] = True
            return None

    if wanted.get('auto_generation') is not None:
        want = bool(wanted['auto_generation'])
        planned = plan_part('auto_generation', 'waffle_switch', lambda: _policy_switch_plan(want))
        if planned is not None:
            before, row = planned
            result['auto_generation'] = {'switch': _POLICY_SWITCH, 'before': before['active'],
                                         'row_existed': before['row'], 'after': want, 'changed': row is not None}
            if row is not None:
                writes.append(row)
    if wanted.get('self_generation') is not None:
        want = bool(wanted['self_generation'])
        planned = plan_part('self_generation', 'certificates_certificategenerationconfiguration',
                            lambda: _policy_self_generation_plan(want, user))
        if planned is not None:
            before, row = planned
            result['self_generation'] = {'before': before['enabled'], 'row_id': before['row_id'],
                                         'after': want, 'changed': row is not None}
            if row is not None:
                writes.append(row)
    deletes = []

    def plan_rows(name, table, build, what):
        # The per-course parts: each plan may carry a row to save (checked
        # first as the admin would) and rows to delete.
        if not wanted.get(name):
            return
        plans = plan_part(name, table, lambda: build(wanted[name]))
        if plans is None:
            return
        for plan in plans:
            if '_row' in plan:
                _policy_clean(plan['_row'], what(plan))
                writes.append(plan['_row'])
            deletes.extend(plan.get('_delete', []))
        result[name] = _policy_public(plans)

    plan_rows('course_settings', 'certificates_certificategenerationcoursesetting', _policy_course_setting_plans,
              lambda plan: 'the certificate setting of %s' % plan['course_id'])
    plan_rows('course_modes', 'course_modes_coursemode', _policy_mode_plans,
              lambda plan: 'the %s mode of %s' % (plan['mode_slug'], plan['course_id']))
    if writes or deletes:
        result['changed'] = True
    if not apply or not (writes or deletes):
        return result
    with transaction.atomic():
        for row in deletes:
            row.delete()
        for row in writes:
            row.save()
    result['written'] = True
    return result
'''
