"""Each module's documentation (as ansible-doc renders it) agrees with its real argument_spec.

For every module in library/:
- ``ansible-doc -M library -t module NAME`` renders it (text) and
  ``ansible-doc --json`` returns it;
- the documented options equal the argument_spec the module really passes
  to AnsibleModule (captured by importing the module with the constructor
  patched): names, type, default, choices, required, aliases, elements, and
  the same for suboptions, recursively;
- EXAMPLES parse as YAML and every task that calls one of our modules uses
  only that module's documented options (or aliases);
- RETURN parses as YAML into documented return values.
"""

from __future__ import annotations

import importlib

import pytest
import yaml

from . import quality_helpers as qh

MODULES = qh.module_names()

# Task keywords that may sit next to the module key in an example task.
TASK_KEYWORDS = {
    "name", "register", "when", "loop", "loop_control", "with_items", "with_dict", "vars", "become",
    "become_user", "become_method", "check_mode", "diff", "changed_when", "failed_when", "tags",
    "notify", "delegate_to", "run_once", "ignore_errors", "environment", "no_log", "until", "retries",
    "delay", "async", "poll", "throttle", "any_errors_fatal", "args", "module_defaults", "collections",
    "connection", "timeout", "listen", "local_action", "delegate_facts", "debugger", "action",
    "block", "rescue", "always",
}


def test_modules_are_discovered():
    assert MODULES, "no module found in library/"


def _spec_type(spec: dict) -> str:
    kind = spec.get("type", "str")
    return kind if isinstance(kind, str) else getattr(kind, "__name__", repr(kind))


def _norm_default(value, kind):
    if value is None:
        return None
    if kind == "bool":
        from ansible.module_utils.parsing.convert_bool import boolean
        return boolean(value, strict=False)
    if kind in ("int", "float"):
        try:
            return {"int": int, "float": float}[kind](value)
        except (TypeError, ValueError):
            return value
    if kind in ("str", "path") and not isinstance(value, str):
        return str(value)
    return value


def compare_options(real: dict, documented: dict, where: str) -> list[str]:
    """Differences between an argument_spec and its documented options (recursive)."""
    problems = []
    real = real or {}
    documented = documented or {}
    for missing in sorted(set(real) - set(documented)):
        problems.append(f"{where}{missing}: in argument_spec, not documented")
    for extra in sorted(set(documented) - set(real)):
        problems.append(f"{where}{extra}: documented, not in argument_spec")
    for name in sorted(set(real) & set(documented)):
        spec, doc = real[name], documented[name]
        path = f"{where}{name}"
        kind = _spec_type(spec)
        doc_kind = doc.get("type", "str")
        if kind != doc_kind:
            problems.append(f"{path}: type {kind!r} in argument_spec, {doc_kind!r} documented")
        if bool(spec.get("required", False)) != bool(doc.get("required", False)):
            problems.append(f"{path}: required={bool(spec.get('required', False))} in argument_spec, "
                            f"{bool(doc.get('required', False))} documented")
        real_default = _norm_default(spec.get("default"), kind)
        doc_default = _norm_default(doc.get("default"), doc_kind)
        if real_default != doc_default:
            problems.append(f"{path}: default {real_default!r} in argument_spec, {doc_default!r} documented")
        real_choices, doc_choices = spec.get("choices"), doc.get("choices")
        if isinstance(doc_choices, dict):  # choices documented with a description each
            doc_choices = list(doc_choices)
        if real_choices is not None or doc_choices is not None:
            if sorted(map(str, real_choices or [])) != sorted(map(str, doc_choices or [])):
                problems.append(f"{path}: choices {real_choices!r} in argument_spec, {doc_choices!r} documented")
        if sorted(spec.get("aliases") or []) != sorted(doc.get("aliases") or []):
            problems.append(f"{path}: aliases {spec.get('aliases')!r} in argument_spec, "
                            f"{doc.get('aliases')!r} documented")
        if (spec.get("elements") or None) != (doc.get("elements") or None):
            problems.append(f"{path}: elements {spec.get('elements')!r} in argument_spec, "
                            f"{doc.get('elements')!r} documented")
        if spec.get("options") or doc.get("suboptions"):
            problems += compare_options(spec.get("options"), doc.get("suboptions"), f"{path}.")
    return problems


def test_compare_options_finds_differences():
    """The comparison itself catches each kind of mismatch (so the real test can fail)."""
    real = {"a": {"type": "int", "default": 1, "choices": [1, 2], "aliases": ["b"]},
            "l": {"type": "list", "elements": "str", "required": True},
            "d": {"type": "dict", "options": {"x": {"type": "bool", "default": False}}},
            "only_real": {}}
    doc = {"a": {"type": "str", "default": 2, "choices": [1], "aliases": []},
           "l": {"type": "list", "elements": "int"},
           "d": {"type": "dict", "suboptions": {"x": {"type": "bool", "default": True}}},
           "only_doc": {}}
    text = "\n".join(compare_options(real, doc, ""))
    for expected in ("only_real: in argument_spec, not documented", "only_doc: documented, not in",
                     "a: type 'int'", "a: default", "a: choices", "a: aliases", "l: required=True",
                     "l: elements", "d.x: default"):
        assert expected in text, text
    assert compare_options({"s": {"default": "x"}, "b": {"type": "bool", "default": True}},
                           {"s": {"type": "str", "default": "x"}, "b": {"type": "bool", "default": "yes"}},
                           "") == []


@pytest.mark.parametrize("name", MODULES)
def test_ansible_doc_renders(name):
    result = qh.run([str(qh.BIN / "ansible-doc"), "-M", "library", "-t", "module", name],
                    env=qh.tool_env(ANSIBLE_MODULE_UTILS=str(qh.ROOT / "module_utils")))
    assert result.returncode == 0, qh.describe(result)
    assert f"MODULE {name}" in result.stdout or name in result.stdout.splitlines()[0], qh.describe(result)
    assert "OPTIONS" in result.stdout, qh.describe(result)
    assert not [line for line in result.stderr.splitlines() if "WARNING" in line or "ERROR" in line], \
        qh.describe(result)


@pytest.mark.parametrize("name", MODULES)
def test_documented_options_match_argument_spec(name, doc_json):
    assert name in doc_json, f"ansible-doc --json has no entry for {name}"
    documented = doc_json[name]["doc"].get("options") or {}
    real = qh.real_module_spec(name).get("argument_spec") or {}
    problems = compare_options(real, documented, "")
    assert not problems, f"library/{name}.py: documentation and argument_spec differ:\n  " + "\n  ".join(problems)


def _tasks(node):
    """Every task in an EXAMPLES document (a task list, or plays with tasks, blocks nested)."""
    if isinstance(node, list):
        for item in node:
            yield from _tasks(item)
    elif isinstance(node, dict):
        if "hosts" in node or "import_playbook" in node:
            for section in ("pre_tasks", "tasks", "post_tasks", "handlers"):
                yield from _tasks(node.get(section) or [])
        elif "block" in node:
            for section in ("block", "rescue", "always"):
                yield from _tasks(node.get(section) or [])
        else:
            yield node


def example_problems(examples_text: str, docs: dict) -> list[str]:
    """Tasks of EXAMPLES that call one of our modules with undocumented options."""
    problems = []
    parsed = yaml.safe_load(examples_text)
    assert parsed, "EXAMPLES is empty"
    for task in _tasks(parsed):
        # A short key that is neither one of our modules nor a task keyword
        # is a typo (other modules are written with their FQCN).
        for key in task:
            if "." not in key and key not in docs and key not in TASK_KEYWORDS:
                problems.append(f"task {task.get('name')!r}: unknown key {key!r}")
        keys = [k for k in task if k in docs or k.split(".")[-1] in docs]
        for key in keys:
            module = key.split(".")[-1]
            options = docs[module].get("options") or {}
            allowed = set(options) | {a for o in options.values() for a in (o.get("aliases") or [])}
            args = task[key]
            if args is None:
                args = {}
            if not isinstance(args, dict):
                problems.append(f"task {task.get('name')!r}: {module} with free-form arguments {args!r}")
                continue
            args = dict(args, **(task.get("args") or {}))
            for option in sorted(set(args) - allowed):
                problems.append(f"task {task.get('name')!r}: {module} option {option!r} is not documented")
    return problems


def test_example_problems_finds_undocumented_options():
    docs = {"openedx_x": {"options": {"a": {"aliases": ["aa"]}}}}
    text = ("- name: t\n  openedx_x:\n    a: 1\n    aa: 2\n    zz: 3\n- name: u\n  openedx_x: a=1\n"
            "- name: v\n  openedx_x: {}\n  registr: out\n")
    problems = example_problems(text, docs)
    assert len(problems) == 3 and "'zz'" in problems[0] and "free-form" in problems[1], problems
    assert "unknown key 'registr'" in problems[2], problems


@pytest.mark.parametrize("name", MODULES)
def test_examples_parse_and_use_documented_options(name, doc_json):
    module = importlib.import_module(name)
    docs = {n: entry["doc"] for n, entry in doc_json.items()}
    for source, text in (("EXAMPLES of the module file", getattr(module, "EXAMPLES", "")),
                         ("ansible-doc examples", doc_json[name].get("examples") or "")):
        assert text and text.strip(), f"library/{name}.py: {source} is empty"
        try:
            problems = example_problems(text, docs)
        except yaml.YAMLError as exc:
            pytest.fail(f"library/{name}.py: {source} is not valid YAML: {exc}")
        uses_self = any(name in task or any(k.endswith("." + name) for k in task)
                        for task in _tasks(yaml.safe_load(text)))
        assert uses_self, f"library/{name}.py: {source} has no task that calls {name}"
        assert not problems, f"library/{name}.py: {source}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", MODULES)
def test_return_parses(name, doc_json):
    module = importlib.import_module(name)
    text = getattr(module, "RETURN", None)
    assert text is not None, f"library/{name}.py has no RETURN"
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        pytest.fail(f"library/{name}.py: RETURN is not valid YAML: {exc}")
    parsed = parsed or {}
    assert isinstance(parsed, dict), f"library/{name}.py: RETURN is not a mapping"
    assert doc_json[name].get("return") is not None or not parsed
    problems = []

    def walk(values, where):
        for key, value in values.items():
            if not isinstance(value, dict):
                problems.append(f"{where}{key}: not a mapping")
                continue
            # as validate-modules: "returned" is required at the top level only
            for field in ("description", "type") + (("returned",) if not where else ()):
                if field not in value:
                    problems.append(f"{where}{key}: no {field}")
            if isinstance(value.get("contains"), dict):
                walk(value["contains"], f"{where}{key}.")
    walk(parsed, "")
    assert not problems, f"library/{name}.py: RETURN:\n  " + "\n  ".join(problems)
