# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for the certificate HTML view configuration, run on the controller.

``openedx_html_config_validate``
    ``{{ config | openedx_html_config_validate(allowed_extra_modes=[]) }}``
    returns the configuration unchanged when it is usable, and otherwise
    fails the task with AnsibleFilterError naming every wrong field (for
    example ``configuration.default.company_tos_url``), the value and the
    rule it breaks; with ``role_prefix='openedx_certificates'`` each field
    also names the role variable that sets it. The
    rules are the JSON Schema of ``module_utils/openedx_html_config.py``,
    the same ones the ``openedx_html_view_config`` module applies on the
    host; when the ``jsonschema`` package is installed on the controller,
    the schema is also run through it as a cross-check.

``openedx_html_config_build``
    Builds the configuration mapping from role-style variables::

        {{ {'platform_name': 'Example', 'company_about_url': '...', ...}
           | openedx_html_config_build(modes=certificates_modes,
                                       extra=certificates_html_extra) }}

    The input mapping gives the ``default`` section; ``modes`` maps a mode
    to its section (``certificate_type``, ``certificate_title``,
    ``document_body_class_append``); ``extra`` is merged over the default
    section (more keys, such as ``certificate_verify_url_prefix``). Keys
    whose value is None are left out.
"""

from __future__ import absolute_import, division, print_function

import copy
import importlib.util
import os

from ansible.errors import AnsibleFilterError

__metaclass__ = type


def _load_rules():
    """The shared module_utils file: from this repository, else as installed."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                        'module_utils', 'openedx_html_config.py')
    if os.path.exists(here):
        spec = importlib.util.spec_from_file_location('_openedx_html_config_rules', here)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    from ansible.module_utils import openedx_html_config  # pylint: disable=import-outside-toplevel
    return openedx_html_config


_RULES = _load_rules()


def _plain(value):
    """Ansible's tagged/lazy containers as plain dicts, lists and strings."""
    if isinstance(value, dict):
        return dict((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _jsonschema_problems(config, allowed_extra_modes):
    try:
        import jsonschema  # pylint: disable=import-outside-toplevel
    except ImportError:
        return []
    schema = _RULES.build_schema(allowed_extra_modes)
    validator_class = jsonschema.validators.validator_for(schema)
    problems = []
    for error in validator_class(schema).iter_errors(config):
        path = '.'.join(['configuration'] + [str(part) for part in error.absolute_path])
        problems.append((path, error.message))
    return problems


def _variable(path, role_prefix):
    """The role variable that sets the configuration field ``path``.

    The mapping is the one ``openedx_html_config_build`` applies: the guide's
    keys of ``default`` are variables of their own, other keys of ``default``
    come from PREFIX_html_view_extra, and each mode's section from
    PREFIX_modes.
    """
    parts = path.split('.', 2)[1:]
    if not parts:
        return None
    if parts[0] == 'default':
        if len(parts) == 1:
            return None
        if parts[1] in _RULES.REQUIRED_DEFAULT_KEYS:
            return '%s_%s' % (role_prefix, parts[1])
        return '%s_html_view_extra.%s' % (role_prefix, parts[1])
    return '%s_modes.%s' % (role_prefix, '.'.join(parts))


def openedx_html_config_validate(config, allowed_extra_modes=None, role_prefix=None):
    if not isinstance(config, dict):
        raise AnsibleFilterError(
            'openedx_html_config_validate: the configuration must be a mapping, not %s'
            % type(config).__name__)
    extras = [str(mode) for mode in (allowed_extra_modes or [])]
    plain = _plain(config)
    problems = _RULES.validate_configuration(plain, extras)
    if not problems:
        # Cross-check: the schema must not reject what the checker accepted.
        problems = _jsonschema_problems(plain, extras)
    if problems:
        if role_prefix:
            named = []
            for path, message in problems:
                variable = _variable(path, role_prefix)
                named.append(('%s (variable %s)' % (path, variable) if variable else path, message))
            problems = named
        raise AnsibleFilterError(_RULES.format_problems(problems) + '. Nothing was changed.')
    return config


def openedx_html_config_build(default, modes=None, extra=None):
    if not isinstance(default, dict):
        raise AnsibleFilterError('openedx_html_config_build: the input must be a mapping of '
                                 'the default section keys')
    section = dict((k, v) for k, v in _plain(default).items() if v is not None)
    for key, value in _plain(extra or {}).items():
        if value is not None:
            section[key] = value
    config = {'default': section}
    for mode, values in _plain(modes or {}).items():
        if not isinstance(values, dict):
            raise AnsibleFilterError('openedx_html_config_build: modes.%s must be a mapping with '
                                     'certificate_type and certificate_title' % mode)
        config[mode] = dict((k, v) for k, v in values.items() if v is not None)
    return copy.deepcopy(config)


class FilterModule(object):
    def filters(self):
        return {
            'openedx_html_config_validate': openedx_html_config_validate,
            'openedx_html_config_build': openedx_html_config_build,
        }
