"""Every module's documentation is written in one dialect, ansible-core's own
(see lib/ansible/modules/lineinfile.py and
lib/ansible/plugins/doc_fragments/action_common_attributes.py).

For every module in library/:
- ``attributes`` has ``check_mode`` and ``diff_mode`` (support full, partial
  or none, with details when partial) and ``platform`` (with ``platforms``),
  the module extends ``action_common_attributes``, and the check_mode support
  agrees with the ``supports_check_mode`` the module really passes to
  AnsibleModule;
- ``version_added`` is there, an X.Y.Z string no newer than the collection's
  coming version (galaxy.yml);
- no ``I()`` and no ``B()`` markup is left in DOCUMENTATION or RETURN (options
  are O(), values V(), return values RV()), and the markup parses;
- no option of the module is written as code: ``C(name)`` or
  ``C(name=value)`` where ``name`` is an option or alias of that module
  (write ``O(name)`` / ``O(name=value)``).

The texts checked for markup are the project's own: the module's
DOCUMENTATION and RETURN and the DOCUMENTATION of our doc fragments that the
module extends (ansible-core's fragments are not ours to change). The option
names and the merged attributes come from ``ansible-doc --json`` (fixture
``doc_json``), which merges every fragment. The markup is parsed with
antsibull-docs-parser, the parser ansible-test's validate-modules uses
(installed with antsibull-changelog, requirements/dev.txt).
"""

from __future__ import annotations

import importlib
import importlib.util
import re

import pytest
import yaml
from antsibull_docs_parser import dom, parser

from . import quality_helpers as qh
from . import sanity_tree

MODULES = qh.module_names()
FRAGMENT_DIR = qh.ROOT / "doc_fragments"

# The fields whose text is markup (ansible-doc renders it); everything else
# (defaults, choices as a list, samples, types, names) is data.
MARKUP_FIELDS = {"short_description", "description", "notes", "details", "returned", "requirements"}
SUPPORT_LEVELS = ("full", "partial", "none")
VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def _load_yaml(text: str, what: str) -> dict:
    try:
        data = yaml.safe_load(text or "") or {}
    except yaml.YAMLError as exc:
        pytest.fail(f"{what} is not valid YAML: {exc}")
    assert isinstance(data, dict), f"{what} is not a mapping"
    return data


def markup_texts(node, where: str = "", inside: bool = False):
    """(path, text) of every string in a documentation tree that is markup.

    A string counts when it sits (at any depth) under one of MARKUP_FIELDS,
    or is the description of a choice (``choices`` written as a mapping).
    """
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{where}.{key}" if where else str(key)
            if key == "choices" and isinstance(value, dict):
                yield from markup_texts(value, path, True)
            else:
                yield from markup_texts(value, path, inside or key in MARKUP_FIELDS)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from markup_texts(item, f"{where}[{index}]", inside)
    elif isinstance(node, str) and inside:
        yield where, node


def _our_fragments() -> set[str]:
    return {p.stem for p in FRAGMENT_DIR.glob("*.py") if not p.name.startswith("_")}


def fragment_documentation(entry: str) -> str | None:
    """The text of our doc fragment ``entry`` (``name`` or ``name.variable``); None when not ours."""
    base, _dot, variable = entry.partition(".")
    if base not in _our_fragments():
        return None
    spec = importlib.util.spec_from_file_location(f"_doc_fragment_{base}", FRAGMENT_DIR / f"{base}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    attribute = variable.upper() if variable else "DOCUMENTATION"
    text = getattr(module.ModuleDocFragment, attribute, None)
    assert text is not None, f"doc_fragments/{base}.py has no ModuleDocFragment.{attribute}"
    return text


def own_docs(name: str) -> tuple[dict, list[tuple[str, dict]]]:
    """The module's DOCUMENTATION (parsed) and every tree of ours whose markup it shows:
    [(label, tree)] for its DOCUMENTATION, its RETURN and the fragments of ours it extends."""
    module = importlib.import_module(name)
    documentation = _load_yaml(getattr(module, "DOCUMENTATION", ""), f"library/{name}.py: DOCUMENTATION")
    trees = [("DOCUMENTATION", documentation),
             ("RETURN", _load_yaml(getattr(module, "RETURN", ""), f"library/{name}.py: RETURN"))]
    extends = documentation.get("extends_documentation_fragment") or []
    if isinstance(extends, str):
        extends = [extends]
    for entry in extends:
        text = fragment_documentation(entry)
        if text is not None:
            trees.append((f"doc_fragments/{entry}", _load_yaml(text, f"doc_fragments/{entry}")))
    return documentation, trees


def parts_of(text: str):
    """The markup parts of one text, as validate-modules parses them in the collection: our
    modules named by their short names (M(openedx_x), the right name in library/) get the
    collection's FQCN first, as scripts/collection.py writes them."""
    text = sanity_tree.rewrite_module_refs(text, set(MODULES))
    for paragraph in parser.parse(text, parser.Context(), errors="message"):
        yield from paragraph


def markup_problems(trees: list[tuple[str, dict]], option_names: set[str]) -> list[str]:
    """I()/B() markup, markup that does not parse, and options written as C()."""
    problems = []
    for label, tree in trees:
        for path, text in markup_texts(tree):
            where = f"{label}: {path}"
            for part in parts_of(text):
                if isinstance(part, dom.ItalicPart):
                    problems.append(f"{where}: I({part.text}) - write O() for an option, V() for a value, "
                                    f"RV() for a return value (C() for other code)")
                elif isinstance(part, dom.BoldPart):
                    problems.append(f"{where}: B({part.text}) - no bold in this dialect; say it in words "
                                    f"or use O()/V()/RV()/C()")
                elif isinstance(part, dom.ErrorPart):
                    problems.append(f"{where}: markup does not parse: {part.message}")
                elif isinstance(part, dom.CodePart):
                    option = part.text.split("=", 1)[0].strip()
                    if option in option_names:
                        problems.append(f"{where}: C({part.text}) names the option {option!r}: "
                                        f"write O({part.text}) (or RV() for a return value of that name)")
    return problems


def attribute_problems(attributes: dict, extends: list, supports_check_mode: bool) -> list[str]:
    """What the attributes block lacks (merged, as ansible-doc shows it)."""
    problems = []
    if "action_common_attributes" not in extends:
        problems.append("extends_documentation_fragment lacks action_common_attributes")
    attributes = attributes or {}
    for key in ("check_mode", "diff_mode"):
        entry = attributes.get(key)
        if not isinstance(entry, dict):
            problems.append(f"attributes.{key} is missing")
            continue
        support = entry.get("support")
        if support not in SUPPORT_LEVELS:
            problems.append(f"attributes.{key}.support is {support!r}, not one of {', '.join(SUPPORT_LEVELS)}")
        elif support == "partial" and not entry.get("details"):
            problems.append(f"attributes.{key}.support is partial without details saying what is supported")
    platform = attributes.get("platform")
    if not isinstance(platform, dict):
        problems.append("attributes.platform is missing")
    elif not platform.get("platforms"):
        problems.append("attributes.platform has no platforms (posix)")
    check_mode = (attributes.get("check_mode") or {}).get("support") if isinstance(
        attributes.get("check_mode"), dict) else None
    if check_mode in SUPPORT_LEVELS and (check_mode != "none") != bool(supports_check_mode):
        problems.append(f"attributes.check_mode.support is {check_mode} but the module passes "
                        f"supports_check_mode={bool(supports_check_mode)} to AnsibleModule")
    return problems


def _version(text: str) -> tuple[int, int, int] | None:
    match = VERSION_RE.match(text)
    return tuple(int(group) for group in match.groups()) if match else None


def version_problems(documentation: dict, coming: str) -> list[str]:
    if "version_added" not in documentation:
        return ["no version_added (the collection version the module first appeared in)"]
    value = documentation["version_added"]
    if not isinstance(value, str) or _version(value) is None:
        return [f"version_added {value!r} is not an X.Y.Z string (quote it)"]
    if _version(value) > _version(coming):
        return [f"version_added {value} is newer than the collection's coming version {coming} (galaxy.yml)"]
    return []


def coming_version() -> str:
    galaxy = yaml.safe_load((qh.ROOT / "galaxy.yml").read_text(encoding="utf-8"))
    version = str(galaxy["version"])
    assert _version(version), f"galaxy.yml: version {version!r} is not X.Y.Z"
    return version


# ---------------------------------------------------------------- the checkers can fail

def test_markup_problems_finds_each_kind():
    doc = {"short_description": "B(Bold) title",
           "description": ["Uses I(path) and C(path) and C(mode=0644) and C(manage.py).",
                           "Fine: O(path), V(yes), RV(changed), E(HOME), C(--path)."],
           "options": {"path": {"description": "See O(mode).", "default": "I(not markup)",
                                "choices": {"a": "I(choice)"}}},
           "notes": ["Broken O(nope", "M(%s) is ours, M(other) is not" % MODULES[0]]}
    text = "\n".join(markup_problems([("DOCUMENTATION", doc)], {"path", "mode"}))
    for expected in ("short_description: B(Bold)", "description[0]: I(path)", "C(path) names the option 'path'",
                     "C(mode=0644) names the option 'mode'", "choices.a: I(choice)", "notes[0]: markup does not parse",
                     'notes[1]: markup does not parse: While parsing "M(other)"'):
        assert expected in text, text
    assert f"M({MODULES[0]})" not in text, text
    assert "manage.py" not in text and "--path" not in text and "not markup" not in text, text
    assert markup_problems([("RETURN", {"x": {"description": "O(path) V(a) RV(x)", "returned": "always"}})],
                           {"path"}) == []


def test_attribute_problems_finds_each_kind():
    good = {"check_mode": {"support": "full"}, "diff_mode": {"support": "none"},
            "platform": {"platforms": "posix"}}
    assert attribute_problems(good, ["action_common_attributes"], True) == []
    text = "\n".join(attribute_problems({"check_mode": {"support": "partial"}, "platform": {}}, [], True)
                     + attribute_problems({"check_mode": {"support": "yes"}}, [], True)
                     + attribute_problems(good, ["action_common_attributes"], False))
    for expected in ("lacks action_common_attributes", "check_mode.support is partial without details",
                     "diff_mode is missing", "platform has no platforms", "platform is missing",
                     "'yes', not one of", "supports_check_mode=False"):
        assert expected in text, text


def test_version_problems_finds_each_kind():
    assert version_problems({"version_added": "0.1.0"}, "0.2.0") == []
    assert "no version_added" in version_problems({}, "0.2.0")[0]
    assert "not an X.Y.Z string" in version_problems({"version_added": 1.0}, "0.2.0")[0]
    assert "newer than" in version_problems({"version_added": "1.0.0"}, "0.2.0")[0]


# ---------------------------------------------------------------- every module

@pytest.mark.parametrize("name", MODULES)
def test_attributes_check_mode_diff_mode_platform(name, doc_json):
    documentation, _trees = own_docs(name)
    extends = documentation.get("extends_documentation_fragment") or []
    if isinstance(extends, str):
        extends = [extends]
    merged = doc_json[name]["doc"].get("attributes")
    supports_check_mode = qh.real_module_spec(name).get("supports_check_mode", False)
    problems = attribute_problems(merged, extends, supports_check_mode)
    assert not problems, f"library/{name}.py: attributes:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", MODULES)
def test_version_added(name):
    documentation, _trees = own_docs(name)
    problems = version_problems(documentation, coming_version())
    assert not problems, f"library/{name}.py: " + "; ".join(problems)


@pytest.mark.parametrize("name", MODULES)
def test_semantic_markup(name, doc_json):
    _documentation, trees = own_docs(name)
    options = doc_json[name]["doc"].get("options") or {}
    names = set(options) | {alias for option in options.values() for alias in (option.get("aliases") or [])}
    problems = markup_problems(trees, names)
    assert not problems, f"library/{name}.py: markup not in the dialect:\n  " + "\n  ".join(problems)
