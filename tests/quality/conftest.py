"""Fixtures of the quality tests (documentation, sanity, role argument specs).

The helpers live in quality_helpers.py; importing it also makes our modules
importable in-process (module_utils on ansible.module_utils.__path__,
library/ on sys.path), the way tests/unit/conftest.py does.
"""

import json

import pytest

from . import quality_helpers as qh


@pytest.fixture(scope="session")
def doc_json():
    """``ansible-doc --json`` of every module in library/ (one call for all)."""
    names = qh.module_names()
    result = qh.run([str(qh.BIN / "ansible-doc"), "-M", "library", "-t", "module", "--json", *names],
                    env=qh.tool_env(ANSIBLE_MODULE_UTILS=str(qh.ROOT / "module_utils")))
    assert result.returncode == 0, qh.describe(result)
    return json.loads(result.stdout)
