# -*- coding: utf-8 -*-
# The options every module that starts the platform shares
# (module_utils/openedx_platform.py, PLATFORM_ARGUMENT_SPEC), documented once.
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  platform_dir:
    description:
      - The edx-platform checkout, where C(manage.py) is.
    type: path
    default: /edx/app/edxapp/edx-platform
  python:
    description:
      - The platform's Python interpreter (the edxapp virtualenv).
    type: path
    default: /edx/app/edxapp/venvs/edxapp/bin/python
  settings:
    description:
      - The Django settings name passed as C(--settings).
      - When not given, it is detected from the files on the host as the
        M(openedx.certificates.openedx_facts) module detects it, without starting the platform.
        The host's C(edxapp_env) file in O(config_root) is read first; the YAML config is the
        file that E(LMS_CFG) names there, else C(/edx/etc/lms.yml).
      - V(aws) (legacy releases, Hawthorn and earlier) when C(lms/envs/aws.py) and
        C(lms.env.json) in O(config_root) exist and the YAML config does not. Otherwise
        V(production) (Ironwood and later) when the YAML config exists and
        C(lms/envs/production.py) exists too or C(lms/envs/aws.py) does not. Otherwise, when
        only one of the two settings modules exists, it decides (C(aws.py) means V(aws),
        C(production.py) means V(production)); when both or neither exist, C(RELEASE_LINE) in
        C(openedx/core/release.py) decides (V(aws) up to Hawthorn, V(production) from Ironwood on).
      - E(EDX_PLATFORM_SETTINGS) in C(edxapp_env) replaces that name when
        C(lms/envs/NAME.py) exists.
      - V(production) when O(platform_dir) holds no platform (neither C(manage.py) nor
        C(lms/envs)) or the files tell nothing.
    type: str
  user:
    description:
      - The user that runs the platform process (C(sudo -u USER)); no sudo
        when the module already runs as this user.
      - Empty to run as whatever user the module runs as.
    type: str
    default: edxapp
  environment:
    description:
      - Environment variables for the platform process, merged over the
        derived ones.
      - For settings other than V(aws) (given or detected), the derived ones are E(LMS_CFG),
        E(STUDIO_CFG) and E(CMS_CFG). On a platform that the rule of O(settings) finds
        modern they name the YAML files as M(openedx.certificates.openedx_facts) finds them,
        E(LMS_CFG) and E(STUDIO_CFG) (or E(CMS_CFG)) from C(edxapp_env) in O(config_root), else
        C(/edx/etc/lms.yml) and C(/edx/etc/studio.yml); E(CMS_CFG) names the same file as
        E(STUDIO_CFG). Otherwise (a legacy platform run with other settings, or one the
        files tell nothing about) they are C(/edx/etc/lms.yml) and C(/edx/etc/studio.yml).
      - E(CONFIG_ROOT) when O(config_root) is given, for any settings.
    type: dict
    default: {}
  config_root:
    description:
      - The directory with the host's C(edxapp_env) file, which the detection of O(settings)
        and O(environment) reads, and on legacy releases with C(lms.env.json) and
        C(cms.env.json).
      - When given, passed to the platform as E(CONFIG_ROOT) (the legacy settings read it).
      - Default is the directory above O(platform_dir), as on the platform.
    type: path
'''
