# -*- coding: utf-8 -*-
# The course id options of the modules that work on courses
# (module_utils/openedx_course_key.py, COURSE_IDS_ARGUMENT_SPEC and
# module_course_ids), documented once.
from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  course_ids:
    description:
      - The course run ids, new style C(course-v1:ORG+COURSE+RUN) or old style C(ORG/COURSE/RUN),
        without leading or trailing slash, as a list or as one string of ids separated by commas;
        spaces around an id, empty entries and repeated ids are dropped.
      - At least one id is required, here or in O(course_id).
    type: list
    elements: str
    aliases: [courses]
  course_id:
    description:
      - More course ids, read the same way as O(course_ids) and handled first; for a playbook that
        takes one course and a list of courses in two variables and passes both as given (as
        C(playbooks/generate.yml) and C(playbooks/report.yml) do).
    type: list
    elements: str
'''
