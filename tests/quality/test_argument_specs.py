"""Every role's meta/argument_specs.yml really guards the role.

- One playbook run per role entry point sets every option that can be given
  a wrong value at once (``-e``, so nothing overrides it) and must fail in the
  role's own argument validation task, before any other task, with every
  such variable named in the error and no other variable named.
- A few targeted runs set a single wrong variable each (one per kind of
  check: bool, int, list, dict, choices ...).
- Positive control: the role's defaults pass ``validate_argument_spec``
  against the same spec.
- defaults/main.yml and argument_specs.yml document the same variables.

Ansible converts any value to a string for ``type: str`` / ``type: path``
(a dict becomes its repr, with no error), and a string to a one-element
list for ``type: list``; so str/path options without choices have no wrong
value that validation can catch, and lists get a dict instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from . import quality_helpers as qh

VALIDATION_TASK = "Validating arguments against arg spec"

# type -> a value that argument validation must refuse for it
WRONG_BY_TYPE = {
    "bool": "not-a-bool",
    "int": "not-an-int",
    "float": "not-a-float",
    "list": {"not": "a list"},
    "dict": "not-a-dict",
    "jsonarg": {1, 2},  # not serialisable; never used by our roles, kept for completeness
}
WRONG_CHOICE = "not-one-of-the-choices"


def load_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def role_specs():
    """(role dir, entry point, options) for every entry point of every role with argument specs."""
    found = []
    for role in qh.role_dirs():
        spec_file = role / "meta" / "argument_specs.yml"
        if not spec_file.exists():
            continue
        specs = (load_yaml(spec_file) or {}).get("argument_specs") or {}
        for entry, spec in specs.items():
            found.append((role, entry, (spec or {}).get("options") or {}))
    return found


SPECS = role_specs()
SPEC_IDS = [f"{role.name}:{entry}" for role, entry, _ in SPECS]


def wrong_value(option: dict):
    """A value the validation must refuse for this option, or None when no such value exists."""
    kind = option.get("type", "str")
    if option.get("choices"):
        if kind == "list":
            return [WRONG_CHOICE]
        if kind in ("str", "path", "raw"):
            return WRONG_CHOICE
    if kind == "list" and option.get("elements") in WRONG_BY_TYPE and option.get("elements") != "list":
        return [WRONG_BY_TYPE[option["elements"]]]
    value = WRONG_BY_TYPE.get(kind)
    return None if kind == "jsonarg" else value


def test_roles_with_argument_specs_exist():
    assert SPECS, "no role with meta/argument_specs.yml found under roles/"


def test_wrong_value_table():
    assert wrong_value({"type": "bool"}) == "not-a-bool"
    assert wrong_value({"type": "str", "choices": ["a"]}) == WRONG_CHOICE
    assert wrong_value({"type": "list", "elements": "int"}) == ["not-an-int"]
    assert wrong_value({"type": "list", "elements": "str"}) == {"not": "a list"}
    assert wrong_value({"type": "str"}) is None
    assert wrong_value({"type": "path"}) is None


def run_role(tmp_path: Path, role: Path, entry: str, extra_vars: dict) -> tuple[dict, str]:
    """Run ROLE (entry point ENTRY) on localhost with EXTRA_VARS; (json callback result, raw output)."""
    playbook = tmp_path / "play.yml"
    task = {"name": "Run the role", "ansible.builtin.include_role": {"name": role.name}}
    if entry != "main":
        task["ansible.builtin.include_role"]["tasks_from"] = entry
    playbook.write_text(yaml.safe_dump([{
        "name": "Argument validation probe", "hosts": "localhost", "connection": "local",
        "gather_facts": False, "tasks": [task],
    }], sort_keys=False))
    vars_file = tmp_path / "vars.json"
    vars_file.write_text(json.dumps(extra_vars))
    result = qh.run(
        [str(qh.BIN / "ansible-playbook"), "-i", "localhost,", str(playbook), "-e", f"@{vars_file}"],
        env=qh.tool_env(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json", ANSIBLE_ROLES_PATH=str(role.parent),
                        ANSIBLE_INVENTORY="localhost,"),
        timeout=120,
    )
    raw = qh.describe(result)
    try:
        data = json.loads(result.stdout[result.stdout.index("{"):])
    except ValueError:
        pytest.fail(f"no JSON result from ansible-playbook\n{raw}")
    assert result.returncode != 0, f"the role ran with wrong variables {sorted(extra_vars)}\n{raw}"
    return data, raw


def failed_validation(data: dict, raw: str) -> list[str]:
    """The argument errors of the validation task, after checking it was the task that failed, first."""
    tasks = [task for play in data.get("plays", []) for task in play.get("tasks", [])]
    assert tasks, f"no task ran\n{raw}"
    ran = [t["task"]["name"] for t in tasks]
    failed = [t for t in tasks if t["hosts"].get("localhost", {}).get("failed")]
    assert failed, f"no task failed\n{raw}"
    assert VALIDATION_TASK in failed[0]["task"]["name"], \
        f"the first failed task is {failed[0]['task']['name']!r}, not the argument validation\n{raw}"
    before = ran[:ran.index(failed[0]["task"]["name"])]
    assert all("include_role" in n or n == "Run the role" for n in before), \
        f"tasks ran before the argument validation: {before}\n{raw}"
    host = failed[0]["hosts"]["localhost"]
    return host.get("argument_errors") or [host.get("msg", "")]


def named(variable: str, errors: list[str]) -> bool:
    quoted = (f"'{variable}'", f"{variable} ", f"of {variable} ")
    return any(any(q in error for q in quoted) for error in errors)


# Entry points with at least one option that can be given a wrong type
# (str/path options without choices cannot: see wrong_value).
REFUSABLE = [pytest.param(role, entry, options, id=f"{role.name}:{entry}")
             for role, entry, options in SPECS
             if any(wrong_value(opt) is not None for opt in options.values())]


def test_every_role_has_a_refusable_option():
    assert {p.values[0] for p in REFUSABLE} == {role for role, _, _ in SPECS}


@pytest.mark.parametrize(("role", "entry", "options"), REFUSABLE)
def test_all_wrong_variables_are_named(tmp_path, role, entry, options):
    wrong = {name: wrong_value(opt) for name, opt in options.items()}
    wrong = {name: value for name, value in wrong.items() if value is not None}
    data, raw = run_role(tmp_path, role, entry, wrong)
    errors = failed_validation(data, raw)
    missing = [name for name in wrong if not named(name, errors)]
    assert not missing, f"wrong values of {missing} are not named in the validation error:\n" + "\n".join(errors)
    others = [name for name in options if name not in wrong and named(name, errors)]
    assert not others, f"variables given no wrong value are named in the error: {others}\n" + "\n".join(errors)


def targeted_cases():
    """One single-variable case per kind of check (first option of each kind) per role entry point."""
    cases = []
    for role, entry, options in SPECS:
        seen = set()
        for name, opt in options.items():
            value = wrong_value(opt)
            if value is None:
                continue
            kind = "choices" if opt.get("choices") else opt.get("type", "str")
            if kind in seen:
                continue
            seen.add(kind)
            cases.append(pytest.param(role, entry, name, value, id=f"{role.name}:{entry}:{kind}:{name}"))
    return cases


@pytest.mark.parametrize(("role", "entry", "variable", "value"), targeted_cases())
def test_single_wrong_variable(tmp_path, role, entry, variable, value):
    data, raw = run_role(tmp_path, role, entry, {variable: value})
    errors = failed_validation(data, raw)
    assert len(errors) == 1 and named(variable, errors), \
        f"expected one error naming {variable}:\n" + "\n".join(errors)


@pytest.mark.parametrize(("role", "entry", "options"), SPECS, ids=SPEC_IDS)
def test_defaults_pass_the_spec(tmp_path, role, entry, options):
    """Positive control: the role's defaults are valid for its own spec (so the failures above are real)."""
    if not options:
        # An entry point with no options (openedx_certificates:host, which only
        # imports openedx_host) validates nothing of its own.
        return
    # An entry point without defaults of its own uses the role's main ones.
    defaults_file = role / "defaults" / f"{entry}.yml"
    if not defaults_file.exists():
        defaults_file = role / "defaults" / "main.yml"
    # only documented variables: undocumented ones are the next test's business
    defaults = {k: v for k, v in (load_yaml(defaults_file) or {}).items() if k in options}
    assert defaults, f"no documented variable in defaults/{entry}.yml"
    playbook = tmp_path / "play.yml"
    playbook.write_text(yaml.safe_dump([{
        "name": "Defaults against the spec", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "tasks": [{"name": "Validate", "ansible.builtin.validate_argument_spec": {
            "argument_spec": "{{ probe_spec }}", "provided_arguments": "{{ probe_values }}"}}],
    }], sort_keys=False))
    vars_file = tmp_path / "vars.json"
    # A role's defaults may use openedx_host's variables: every role imports it.
    host_defaults = load_yaml(qh.ROOT / "roles" / "openedx_host" / "defaults" / "main.yml") or {}
    vars_file.write_text(json.dumps(dict(host_defaults, probe_spec=options, probe_values=defaults)))
    result = qh.run([str(qh.BIN / "ansible-playbook"), "-i", "localhost,", str(playbook), "-e", f"@{vars_file}"],
                    env=qh.tool_env(ANSIBLE_INVENTORY="localhost,"), timeout=120)
    assert result.returncode == 0, qh.describe(result)


@pytest.mark.parametrize("role", qh.role_dirs(), ids=lambda r: r.name)
def test_defaults_and_spec_document_the_same_variables(role):
    defaults_file = role / "defaults" / "main.yml"
    spec_file = role / "meta" / "argument_specs.yml"
    defaults = (load_yaml(defaults_file) or {}) if defaults_file.exists() else {}
    if not spec_file.exists():
        assert not defaults, f"{role.name} has defaults but no meta/argument_specs.yml"
        return
    specs = (load_yaml(spec_file) or {}).get("argument_specs") or {}
    assert "main" in specs or not (role / "tasks" / "main.yml").exists(), \
        f"{role.name}: tasks/main.yml has no entry point 'main' in argument_specs.yml"
    documented = set()
    for spec in specs.values():
        documented |= set(((spec or {}).get("options") or {}))
    main_options = ((specs.get("main") or {}).get("options")) or {}
    problems = [f"{name}: in defaults/main.yml, not in argument_specs.yml" for name in sorted(set(defaults) - documented)]
    for name, opt in sorted(main_options.items()):
        if name not in defaults and not opt.get("required"):
            problems.append(f"{name}: in argument_specs.yml (main), neither in defaults/main.yml nor required")
        if name in defaults and "default" in opt and opt["default"] != defaults[name]:
            problems.append(f"{name}: default {opt['default']!r} in argument_specs.yml, {defaults[name]!r} in defaults")
        if not opt.get("description"):
            problems.append(f"{name}: no description in argument_specs.yml")
    assert not problems, f"roles/{role.name}:\n  " + "\n  ".join(problems)


def _role_includes(node):
    """Every include_role / import_role mapping found anywhere in a loaded YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.split(".")[-1] in ("include_role", "import_role") and isinstance(value, dict):
                yield value
            else:
                yield from _role_includes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _role_includes(item)


def _yaml_files_that_include_roles():
    folders = ("playbooks", "roles", "molecule", "bench", "examples")
    return sorted(p for folder in folders for p in (qh.ROOT / folder).rglob("*.yml")
                  if "include_role" in p.read_text(encoding="utf-8")
                  or "import_role" in p.read_text(encoding="utf-8"))


def test_every_tasks_from_names_an_argument_spec_entry_point():
    """Ansible validates a role's argument spec only for the entry point whose
    name equals tasks_from exactly ("preflight", not "preflight.yml"); any
    other spelling runs the tasks unvalidated (issue 10)."""
    entry_points = {role.name: set(entry for r, entry, _ in SPECS if r == role) for role, _, _ in SPECS}
    checked, problems = 0, []
    for path in _yaml_files_that_include_roles():
        for include in _role_includes(load_yaml(path)):
            role = str(include.get("name", "")).split(".")[-1]
            if role not in entry_points:
                continue
            entry = include.get("tasks_from", "main")
            checked += 1
            if entry not in entry_points[role]:
                problems.append(f"{path.relative_to(qh.ROOT)}: {role} tasks_from {entry!r} is not an "
                                f"entry point of its argument_specs.yml ({sorted(entry_points[role])})")
    assert checked, "no include_role/import_role of our roles found: the scan is broken"
    assert not problems, "\n".join(problems)


# --tags PHASE -> tasks that must run, and tasks that must not (issue 12:
# tags carry the role prefix, so several roles in one play do not collide).
PHASE_TAGS = [
    ("site.yml", "openedx_certificates_config",
     ["Turn on HTML certificates in the LMS config"], ["Apply Studio's pending migrations"]),
    ("site.yml", "openedx_certificates_migrate",
     ["Apply Studio's pending migrations"], ["Turn on HTML certificates in the LMS config"]),
    ("theme.yml", "openedx_certificate_theme_deploy",
     ["Check that every template escapes, compile it, then deploy the theme"], []),
    ("audit_cutoff.yml", "openedx_audit_cutoff_config", [], []),
]


@pytest.mark.parametrize(("playbook", "tag", "runs", "skips"), PHASE_TAGS, ids=[p[1] for p in PHASE_TAGS])
def test_phase_tags_carry_the_role_prefix(playbook, tag, runs, skips):
    result = qh.run([str(qh.BIN / "ansible-playbook"), str(qh.ROOT / "playbooks" / playbook), "--list-tasks",
                     "--tags", tag], env=qh.tool_env(), timeout=120)
    assert result.returncode == 0, qh.describe(result)
    listed = result.stdout
    # Every role imports openedx_host, whose one assert holds every check (tagged always).
    assert "openedx_host : Refuse what would not work" in listed, "the preflight must run whatever the tags"
    for task in runs:
        assert task in listed, f"--tags {tag} does not run {task!r}\n{listed}"
    for task in skips:
        assert task not in listed, f"--tags {tag} runs {task!r}\n{listed}"
    # No bare phase tag remains on our tasks: it would collide across roles.
    bare = re.findall(r"TAGS: \[([^\]]*)\]", listed)
    for tags in bare:
        for name in (t.strip() for t in tags.split(",")):
            assert name in ("always", "") or name.startswith("openedx_"), f"bare tag {name!r} in {playbook}"
