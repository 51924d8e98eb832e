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
"""

from __future__ import absolute_import, division, print_function

import difflib

from ansible.errors import AnsibleFilterError

__metaclass__ = type


def openedx_unknown_role_variables(names, known):
    if not isinstance(names, (list, tuple)) or not isinstance(known, (list, tuple, dict)):
        raise AnsibleFilterError('openedx_unknown_role_variables: give a list of variable names '
                                 'and the list (or mapping) of the known ones')
    known = sorted(str(name) for name in known)
    messages = []
    for name in sorted(set(str(n) for n in names)):
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = ('did you mean %s?' % close[0]) if close else ('the role knows: %s' % ', '.join(known))
        messages.append('%s is not a variable of this role (%s)' % (name, hint))
    return messages


class FilterModule(object):
    def filters(self):
        return {'openedx_unknown_role_variables': openedx_unknown_role_variables}
