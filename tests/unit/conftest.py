"""Shared fixtures for the unit tests of our modules, module_utils and filters.

Ansible finds this project's ``module_utils/`` through ansible.cfg at run
time; here we put the folder on the ``ansible.module_utils`` package path so
that ``from ansible.module_utils.openedx_x import ...`` resolves the same way
in-process, and put ``library/`` and ``filter_plugins/`` on ``sys.path``.
"""

import importlib
import io
import json
import sys
from pathlib import Path

import pytest

import ansible.module_utils
from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

ROOT = Path(__file__).resolve().parents[2]

if str(ROOT / "module_utils") not in ansible.module_utils.__path__:
    ansible.module_utils.__path__.append(str(ROOT / "module_utils"))
for folder in ("library", "filter_plugins"):
    if str(ROOT / folder) not in sys.path:
        sys.path.insert(0, str(ROOT / folder))


def run_module(module_name, args, check_mode=False, diff=False):
    """Run ``library/<module_name>.py``'s main() with ``args``.

    Returns the result dict that the module printed (``failed`` is set when
    it called fail_json). ``_ansible_check_mode`` and ``_ansible_diff`` are
    passed the way the controller passes them.
    """
    module = importlib.import_module(module_name)
    full_args = dict(args)
    full_args["_ansible_check_mode"] = check_mode
    full_args["_ansible_diff"] = diff
    out = io.StringIO()
    real_stdout = sys.stdout
    sys.stdout = out
    try:
        with patch_module_args(full_args):
            try:
                module.main()
            except SystemExit:
                pass
    finally:
        sys.stdout = real_stdout
    text = out.getvalue()
    # The last JSON object printed is the module's result.
    return json.loads(text[text.index("{"):])


@pytest.fixture
def ansible_module():
    """The ``run_module`` helper as a fixture: ``ansible_module(name, args, check_mode=..., diff=...)``."""
    return run_module


@pytest.fixture
def module_messages(monkeypatch):
    """Warnings and deprecations of a module run in-process land in its result, each test's own.

    AnsibleModule.warn and deprecate collect into process-global dicts, and
    go to the controller's Display instead once any controller code is
    imported (collecting the filter tests does that).
    """
    monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
    monkeypatch.setattr(ansible_warnings, "_global_deprecations", {})
    monkeypatch.setattr(ansible_internal, "is_controller", False)
