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
      - When not given, C(aws) if C(lms.env.json) exists in I(config_root)
        (default the directory above I(platform_dir)) and C(/edx/etc/lms.yml)
        does not (legacy releases up to Hawthorn), else C(production).
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
        derived ones (C(LMS_CFG), C(STUDIO_CFG) and C(CMS_CFG) pointing to
        C(/edx/etc/lms.yml) and C(/edx/etc/studio.yml) for settings other
        than C(aws); C(CONFIG_ROOT) when I(config_root) is given).
    type: dict
    default: {}
  config_root:
    description:
      - Legacy releases only, the directory with C(lms.env.json) and
        C(cms.env.json); passed as C(CONFIG_ROOT).
      - Default is the directory above I(platform_dir), as on the platform.
    type: path
'''
