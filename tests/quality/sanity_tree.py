#!/usr/bin/env python3
"""Build a temporary collection tree of this project and run ``ansible-test sanity`` in it.

ansible-test only works inside ``ansible_collections/NAMESPACE/NAME/``. This
script copies the project's plugins into such a tree::

    ansible_collections/openedx_toolkit/certificates/
      galaxy.yml  meta/runtime.yml
      plugins/modules/      <- library/*.py
      plugins/module_utils/ <- module_utils/*.py
      plugins/filter/       <- filter_plugins/*.py
      plugins/doc_fragments/ <- doc_fragments/*.py
      tests/sanity/ignore-2.19.txt <- tests/quality/sanity-ignore.txt (justified entries only)

and rewrites ``ansible.module_utils.openedx_x`` imports (the form that works
with ansible.cfg's ``module_utils`` path) to the collection's import path, so
that validate-modules and the import test load the real code.

ansible-test's ``--venv`` and ``--local`` bootstrap pip by downloading a
``get-pip`` script from the internet. Offline, ``ensure_pip_bootstrap()``
puts a stand-in at ``~/.ansible/test/cache/get_pip_24_2.py`` (the path
ansible-test looks at first) that installs pip from a wheel kept next to it
(fetched once with ``pip download pip==24.2``; PyPI is reachable, the
ansible-test bootstrap host is not).

Usage::

    python tests/quality/sanity_tree.py [--keep DIR] [ansible-test sanity args...]

Without arguments it runs ``ansible-test sanity --venv --python 3.11`` on
everything and exits with its return code.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = "openedx_toolkit"
NAME = "certificates"
COLLECTION_PREFIX = f"ansible_collections.{NAMESPACE}.{NAME}.plugins.module_utils"
IGNORE_SOURCE = ROOT / "tests" / "quality" / "sanity-ignore.txt"
ANSIBLE_CORE_LINE = "2.19"
PIP_VERSION = "24.2"
STANDIN_MARKER = "openedx-toolkit offline get-pip stand-in"

# project folder -> collection folder
PLUGIN_DIRS = {
    "library": "plugins/modules",
    "module_utils": "plugins/module_utils",
    "filter_plugins": "plugins/filter",
    "doc_fragments": "plugins/doc_fragments",
}

GALAXY_YML = f"""\
namespace: {NAMESPACE}
name: {NAME}
version: 0.0.1
readme: README.md
authors:
  - openedx-certificates-toolkit
description: Temporary collection tree for ansible-test sanity (built by tests/quality/sanity_tree.py).
license:
  - AGPL-3.0-or-later
tags: [openedx]
dependencies: {{}}
repository: https://example.invalid/openedx-certificates-toolkit
"""

RUNTIME_YML = """\
---
requires_ansible: ">=2.19.0"
"""


def rewrite_imports(text: str, util_names: set[str]) -> str:
    """``ansible.module_utils.openedx_x`` -> the collection's module_utils, for our own utils only."""
    def dotted(match: re.Match) -> str:
        name = match.group(1)
        if name not in util_names:
            return match.group(0)
        return f"{COLLECTION_PREFIX}.{name}"

    # from ansible.module_utils.openedx_x import ...   /   import ansible.module_utils.openedx_x
    text = re.sub(r"\bansible\.module_utils\.(\w+)\b", dotted, text)

    # from ansible.module_utils import openedx_x [as y][, openedx_z]
    def from_package(match: re.Match) -> str:
        imported = [part.strip().split()[0] for part in match.group(2).split(",")]
        if imported and all(name in util_names for name in imported):
            return f"{match.group(1)}from {COLLECTION_PREFIX} import {match.group(2)}"
        return match.group(0)

    text = re.sub(r"^(\s*)from ansible\.module_utils import ([^\n(#]+)", from_package, text, flags=re.M)
    return text


def rewrite_module_refs(text: str, module_names: set[str]) -> str:
    """Short names of our modules in docs (``M(openedx_x)``, ``seealso: - module: openedx_x``) -> FQCN.

    In ``library/`` the short name is the right one; inside a collection
    validate-modules requires the fully qualified name.
    """
    fqcn = f"{NAMESPACE}.{NAME}."

    def markup(match: re.Match) -> str:
        name = match.group(1)
        return f"M({fqcn}{name})" if name in module_names else match.group(0)

    def seealso(match: re.Match) -> str:
        name = match.group(2)
        return f"{match.group(1)}{fqcn}{name}{match.group(3)}" if name in module_names else match.group(0)

    text = re.sub(r"\bM\((\w+)\)", markup, text)
    return re.sub(r"^(\s*-\s*module:\s*)(\w+)(\s*)$", seealso, text, flags=re.M)


def rewrite_doc_fragments(text: str, fragment_names: set[str]) -> str:
    """``extends_documentation_fragment: - openedx_x`` (our own fragments) -> FQCN."""
    fqcn = f"{NAMESPACE}.{NAME}."

    def entry(match: re.Match) -> str:
        name = match.group(2)
        return f"{match.group(1)}{fqcn}{name}{match.group(3)}" if name in fragment_names else match.group(0)

    return re.sub(r"^(\s*-\s*)(\w+)(\s*)$", entry, text, flags=re.M)


def build_tree(base: Path) -> Path:
    """Create ``base/ansible_collections/NAMESPACE/NAME`` and return its path."""
    coll = base / "ansible_collections" / NAMESPACE / NAME
    if coll.exists():
        shutil.rmtree(coll)
    coll.mkdir(parents=True)
    util_names = {p.stem for p in (ROOT / "module_utils").glob("*.py")}
    module_names = {p.stem for p in (ROOT / "library").glob("*.py")}
    fragment_names = {p.stem for p in (ROOT / "doc_fragments").glob("*.py")}
    for src_dir, dst_dir in PLUGIN_DIRS.items():
        dst = coll / dst_dir
        dst.mkdir(parents=True)
        for src in sorted((ROOT / src_dir).glob("*.py")):
            text = src.read_text(encoding="utf-8")
            text = rewrite_imports(text, util_names)
            if src_dir == "library":
                text = rewrite_module_refs(text, module_names)
                text = rewrite_doc_fragments(text, fragment_names)
            (dst / src.name).write_text(text, encoding="utf-8")
    (coll / "galaxy.yml").write_text(GALAXY_YML, encoding="utf-8")
    (coll / "README.md").write_text("Temporary tree for ansible-test sanity.\n", encoding="utf-8")
    (coll / "meta").mkdir()
    (coll / "meta" / "runtime.yml").write_text(RUNTIME_YML, encoding="utf-8")
    sanity_dir = coll / "tests" / "sanity"
    sanity_dir.mkdir(parents=True)
    if IGNORE_SOURCE.exists():
        entries = [
            line for line in IGNORE_SOURCE.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if entries:
            (sanity_dir / f"ignore-{ANSIBLE_CORE_LINE}.txt").write_text("\n".join(entries) + "\n", encoding="utf-8")
    return coll


def ensure_pip_bootstrap(python: str = sys.executable) -> Path:
    """Make ansible-test's pip bootstrap work offline (see the module docstring)."""
    cache = Path("~/.ansible/test/cache").expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    standin = cache / f"get_pip_{PIP_VERSION.replace('.', '_')}.py"
    if standin.exists() and STANDIN_MARKER not in standin.read_text(encoding="utf-8", errors="replace"):
        return standin  # a real get-pip script (downloaded while online): use it as it is
    wheel = cache / f"pip-{PIP_VERSION}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run(
            [python, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--only-binary=:all:", "--dest", str(cache), f"pip=={PIP_VERSION}"],
            check=True,
        )
    standin.write_text(f'''\
"""{STANDIN_MARKER}: installs pip {PIP_VERSION} from the wheel next to this file.

ansible-test runs this file in place of get-pip.py with pip's options and the
packages to install; --no-setuptools / --no-wheel are get-pip options that
pip itself does not know, so they are dropped.
"""
import os
import sys

WHEEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), {wheel.name!r})
sys.path.insert(0, WHEEL)
from pip._internal.cli.main import main  # noqa: E402

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
args = [WHEEL if a == "pip" or a.startswith("pip==") else a for a in args]
sys.exit(main(["install", "--no-index", "--find-links", os.path.dirname(WHEEL)] + args))
''', encoding="utf-8")
    return standin


def ansible_test_command() -> list[str]:
    """ansible-test from the same environment as this interpreter."""
    candidate = Path(sys.executable).parent / "ansible-test"
    return [str(candidate)] if candidate.exists() else ["ansible-test"]


def run_sanity(coll: Path, extra_args: list[str], python_version: str = "3.11") -> subprocess.CompletedProcess:
    ensure_pip_bootstrap()
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("ANSIBLE_CONFIG", None)  # the project's ansible.cfg must not leak into the collection tests
    env["ANSIBLE_FORCE_COLOR"] = "0"
    cmd = ansible_test_command() + ["sanity", "--venv", "--python", python_version, "--color", "no"] + extra_args
    return subprocess.run(cmd, cwd=coll, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", metavar="DIR", help="build the tree under DIR and leave it there")
    parser.add_argument("--build-only", action="store_true", help="only build the tree (needs --keep)")
    args, extra = parser.parse_known_args(argv)
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sanity-tree-"))
    try:
        coll = build_tree(base)
        print(f"collection tree: {coll}", flush=True)
        if args.build_only:
            return 0
        result = run_sanity(coll, extra)
        print(result.stdout)
        return result.returncode
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
