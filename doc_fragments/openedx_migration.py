# -*- coding: utf-8 -*-
# The options of the modules that apply migrations
# (module_utils/openedx_platform.py, MIGRATION_ARGUMENT_SPEC), documented once.
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  migration_db_user:
    description:
      - The database user that applies the migrations, when the user in the platform's settings
        may only read and write rows. A native install has one for this (C(migrate), the old
        Ansible repository's C(COMMON_MYSQL_MIGRATE_USER)), which its own migration scripts
        pass to the platform as E(DB_MIGRATION_USER).
      - The module switches the platform process's connections (every database but
        C(read_replica), as the platform's settings do with E(DB_MIGRATION_USER)) to this user
        before it migrates; reading and writing rows stays with the settings' user.
      - Unset to migrate as the settings' user.
    type: str
  migration_db_password:
    description:
      - The password of O(migration_db_user) (E(DB_MIGRATION_PASS) of the native install).
      - It reaches the platform process on its standard input, never in its command line or
        environment, and is masked in every output of the module.
    type: str
'''
