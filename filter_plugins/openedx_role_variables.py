# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Catch misspelt role variables, run on the controller.

``openedx_unknown_role_variables``
    ``{{ query('ansible.builtin.varnames', '^openedx_certificates_')
         | openedx_unknown_role_variables(known_names) }}``
    returns one message per name that is not in ``known_names`` (the
    options of the role's argument spec), each naming the closest known
    name, for example ``openedx_certificates_platfrom_name is not a variable
    of this role (did you mean openedx_certificates_platform_name?)``.

Ansible takes any variable: a typo in ``openedx_certificates_platform_name``
is silently another variable, and the role goes on with the default. The
argument spec cannot see it (it validates only the options it names), so
the role's preflight asks this filter.

A variable that was renamed (``RENAMED``: the host plumbing that moved to the
``openedx_host`` role in 0.3.0) gets its new name instead:
``openedx_certificates_instance is now openedx_host_instance``.
"""

from __future__ import absolute_import, division, print_function

import difflib

from ansible.errors import AnsibleFilterError

__metaclass__ = type

# Old name -> new name. The variables every role shared moved to the
# internal role openedx_host (issue 12); each role had its own copy.
_HOST_VARIABLES = {
    'generation': 'generation', 'platform_dir': 'platform_dir', 'python': 'python',
    'platform_user': 'platform_user', 'platform_environment': 'platform_environment',
    'instance': 'instance', 'host_services': 'services', 'restart': 'restart',
    'service_manager': 'service_manager', 'supervisorctl': 'supervisorctl',
    'service_names': 'service_names', 'health_urls': 'health_urls',
    'health_timeout': 'health_timeout',
}
_OLD_NAMES = {
    'openedx_certificates_': list(_HOST_VARIABLES) + ['state_dir'],
    'openedx_audit_cutoff_': list(_HOST_VARIABLES),
    'openedx_certificate_theme_': ['platform_dir', 'python', 'restart', 'service_manager', 'supervisorctl',
                                   'service_names', 'health_urls', 'health_timeout'],
}
RENAMED = dict((prefix + old, 'openedx_host_' + _HOST_VARIABLES.get(old, old))
               for prefix, olds in _OLD_NAMES.items() for old in olds)


def openedx_unknown_role_variables(names, known):
    if not isinstance(names, (list, tuple)) or not isinstance(known, (list, tuple, dict)):
        raise AnsibleFilterError('openedx_unknown_role_variables: give a list of variable names '
                                 'and the list (or mapping) of the known ones')
    known = sorted(str(name) for name in known)
    messages = []
    for name in sorted(set(str(n) for n in names)):
        if name in known:
            continue
        if name in RENAMED:
            messages.append('%s is now %s' % (name, RENAMED[name]))
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = ('did you mean %s?' % close[0]) if close else ('the role knows: %s' % ', '.join(known))
        messages.append('%s is not a variable of this role (%s)' % (name, hint))
    return messages


class FilterModule(object):
    def filters(self):
        return {'openedx_unknown_role_variables': openedx_unknown_role_variables}
