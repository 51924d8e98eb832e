"""``ansible-test sanity`` on our modules, module_utils and filters.

tests/quality/sanity_tree.py copies them into a temporary collection tree
(ansible_collections/openedx/certificates), rewrites the
``ansible.module_utils.openedx_x`` imports to the collection's path, makes
ansible-test's pip bootstrap work offline, and runs
``ansible-test sanity --venv --python 3.11`` with every default test.
"""

from __future__ import annotations

import re
import sys

import pytest

from . import quality_helpers as qh
from . import sanity_tree


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return sanity_tree.build_tree(tmp_path_factory.mktemp("sanity"))


def test_tree_has_every_plugin(tree):
    for src_dir, dst_dir in sanity_tree.PLUGIN_DIRS.items():
        expected = sorted(p.name for p in (qh.ROOT / src_dir).glob("*.py"))
        assert expected, f"nothing in {src_dir}/"
        assert sorted(p.name for p in (tree / dst_dir).glob("*.py")) == expected


def test_tree_imports_are_rewritten(tree):
    """No copied file imports our module_utils through ansible.module_utils any more."""
    ours = "|".join(re.escape(p.stem) for p in (qh.ROOT / "module_utils").glob("*.py"))
    pattern = re.compile(rf"^\s*(from|import)\s+ansible\.module_utils(\.({ours})\b|\s+import\s+({ours})\b)", re.M)
    left = [f"{p.relative_to(tree)}: {m.group(0).strip()}"
            for p in (tree / "plugins").rglob("*.py") for m in pattern.finditer(p.read_text())]
    assert not left, "\n".join(left)


def test_rewrite_functions():
    utils = {"openedx_platform", "openedx_secrets"}
    text = ("from ansible.module_utils.basic import AnsibleModule\n"
            "from ansible.module_utils.openedx_secrets import mask\n"
            "    from ansible.module_utils import openedx_platform as platform\n"
            "from ansible.module_utils import basic\n")
    out = sanity_tree.rewrite_imports(text, utils)
    prefix = sanity_tree.COLLECTION_PREFIX
    assert out.splitlines() == [
        "from ansible.module_utils.basic import AnsibleModule",
        f"from {prefix}.openedx_secrets import mask",
        f"    from {prefix} import openedx_platform as platform",
        "from ansible.module_utils import basic",
    ]
    doc = "module: openedx_a\nseealso:\n  - module: openedx_b\n  - module: ansible.builtin.copy\nx: M(openedx_a) M(other)\n"
    out = sanity_tree.rewrite_module_refs(doc, {"openedx_a", "openedx_b"})
    assert out.splitlines() == [
        "module: openedx_a",
        "seealso:",
        "  - module: openedx.certificates.openedx_b",
        "  - module: ansible.builtin.copy",
        "x: M(openedx.certificates.openedx_a) M(other)",
    ]


def test_ignore_entries_have_reasons():
    """Every entry of sanity-ignore.txt has a comment line (its reason) right above it."""
    if not sanity_tree.IGNORE_SOURCE.exists():
        return
    lines = sanity_tree.IGNORE_SOURCE.read_text().splitlines()
    for index, line in enumerate(lines):
        if line.strip() and not line.startswith("#"):
            above = lines[index - 1] if index else ""
            assert above.startswith("#") or (above.strip() and not above.startswith("#")), \
                f"sanity-ignore.txt:{index + 1}: entry without a reason comment: {line}"


def project_paths(line: str) -> str:
    """A finding's collection path as the project's (same line numbers: the rewrites keep lines)."""
    for src_dir, dst_dir in sanity_tree.PLUGIN_DIRS.items():
        line = line.replace(f"{dst_dir}/", f"{src_dir}/")
    return line


def test_ansible_test_sanity(tree):
    result = sanity_tree.run_sanity(tree, [], python_version=f"{sys.version_info[0]}.{sys.version_info[1]}")
    findings = "\n".join(project_paths(line) for line in result.stdout.splitlines()
                          if line.startswith("ERROR:"))
    assert result.returncode == 0, (
        f"ansible-test sanity failed (rc={result.returncode}) in {tree}\n"
        f"=== findings ===\n{findings}\n=== full output ===\n{result.stdout}")
