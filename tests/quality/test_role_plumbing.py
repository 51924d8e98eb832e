"""The roles share their host plumbing through openedx_host, and only through it (issue 12).

- No file of a role imports or includes a file of another role (the
  handlers above all: restarts are openedx_host's handlers, notified by
  name); roles are reached as roles (import_role / include_role).
- No `# noqa: var-naming` remains: no role sets another role's variables.
- Every role that restarts or runs the platform imports openedx_host, and
  notifies only the handlers openedx_host listens on.
- openedx_host refuses direct use (its assert reads ansible_parent_role_names).
"""

from __future__ import annotations

import re

import yaml

from . import quality_helpers as qh

ROLES = qh.ROOT / "roles"
CALLERS = ("openedx_certificates", "openedx_audit_cutoff", "openedx_certificate_theme")
FILE_KEYS = ("import_tasks", "include_tasks", "include_vars", "include")


def yaml_files(folder):
    return sorted(p for p in folder.rglob("*.yml") if ".molecule" not in p.parts)


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def test_no_role_file_reaches_into_another_role():
    problems = []
    for path in yaml_files(ROLES):
        text = path.read_text(encoding="utf-8")
        code = [line.split("#")[0] for line in text.splitlines()]
        if any("../" in line or "handlers/" in line for line in code):
            problems.append(f"{path.relative_to(qh.ROOT)} names another role's file")
        for node in walk(yaml.safe_load(text)):
            for key, value in node.items():
                short = key.split(".")[-1]
                if short in FILE_KEYS and isinstance(value, (str, dict)):
                    target = value if isinstance(value, str) else str(value.get("file", ""))
                    if "/" in target:
                        problems.append(f"{path.relative_to(qh.ROOT)}: {key} {target}")
    assert not problems, "\n".join(problems)


def test_no_var_naming_noqa_remains():
    hits = [f"{p.relative_to(qh.ROOT)}:{i}" for folder in ("roles", "playbooks", "molecule")
            for p in yaml_files(qh.ROOT / folder)
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "noqa: var-naming" in line]
    assert not hits, hits


def test_only_openedx_host_has_handlers_and_every_caller_imports_it():
    with_handlers = sorted(p.parent.parent.name for p in ROLES.glob("*/handlers/main.yml"))
    assert with_handlers == ["openedx_host"]
    listens = {h["listen"] for h in yaml.safe_load((ROLES / "openedx_host/handlers/main.yml").read_text())}
    assert listens == {"openedx_host restart lms", "openedx_host restart cms", "openedx_host restart workers"}
    for role in CALLERS:
        imports, notified = [], set()
        for path in yaml_files(ROLES / role / "tasks"):
            for node in walk(yaml.safe_load(path.read_text(encoding="utf-8"))):
                if isinstance(node.get("ansible.builtin.import_role"), dict):
                    imports.append(node["ansible.builtin.import_role"]["name"])
                notify = node.get("notify")
                notified |= set([notify] if isinstance(notify, str) else notify or [])
        assert "openedx_host" in imports, f"{role} does not import openedx_host"
        assert notified <= listens, f"{role} notifies {sorted(notified - listens)}"


def test_openedx_host_refuses_direct_use():
    tasks = (ROLES / "openedx_host/tasks/main.yml").read_text(encoding="utf-8")
    assert "ansible_parent_role_names" in tasks and "internal role" in tasks
