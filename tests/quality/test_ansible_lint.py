"""ansible-lint (production profile, yamllint included) with the repository's .ansible-lint.

Also checks the two promises of that configuration: ansible-lint resolves
our own modules through ansible.cfg (no mock_modules, so a misspelled module
is an error), and it never goes to Galaxy (offline).
"""

from __future__ import annotations

import yaml

from . import quality_helpers as qh


def lint(*args: str, timeout: int = 300):
    return qh.run([str(qh.BIN / "ansible-lint"), "--nocolor", *args], timeout=timeout)


def test_config_is_production_and_offline():
    config = yaml.safe_load((qh.ROOT / ".ansible-lint").read_text())
    assert config["profile"] == "production"
    assert config["offline"] is True
    assert "mock_modules" not in config
    # every skip_list / warn_list entry carries its reason as a comment
    lines = (qh.ROOT / ".ansible-lint").read_text().splitlines()
    for key in ("skip_list", "warn_list"):
        for rule in config.get(key) or []:
            entry = [i for i, line in enumerate(lines) if line.strip().startswith(f"- {rule}")]
            assert entry, f"{key} entry {rule} not found as a list line"
            i = entry[0]
            assert "#" in lines[i] or lines[i - 1].strip().startswith("#"), f"{key} entry {rule} has no reason comment"


def test_our_modules_resolve_and_typos_do_not(tmp_path):
    """A playbook using every module of library/ passes syntax-check; a misspelled one fails."""
    names = qh.module_names()
    good = tmp_path / "good.yml"
    bad = tmp_path / "bad.yml"
    head = "---\n- name: Probe\n  hosts: localhost\n  gather_facts: false\n  tasks:\n"
    tasks = "".join(f"    - name: Use {n}\n      {n}: {{}}\n" for n in names)
    good.write_text(head + tasks)
    bad.write_text(head + tasks + "    - name: Misspelled\n      openedx_no_such_module: {}\n")
    result = lint("-x", "all", "-w", "all", str(good), timeout=120)
    assert result.returncode == 0 and "unknown-module" not in result.stdout + result.stderr, qh.describe(result)
    result = lint(str(bad), timeout=120)
    assert result.returncode != 0 and "openedx_no_such_module" in result.stdout + result.stderr, qh.describe(result)


def test_ansible_lint_passes():
    result = lint()
    assert result.returncode == 0, qh.describe(result)
