#!/usr/bin/env python3
"""Lay this repository out as the collection ``openedx.certificates`` and build it.

The repository keeps Ansible's project layout (``library/``,
``module_utils/``, ``filter_plugins/``, ``doc_fragments/``, ``roles/``,
``playbooks/``, run through ``ansible.cfg``). A collection wants::

    ansible_collections/openedx/certificates/
      galaxy.yml  meta/runtime.yml  README.md  changelogs/
      plugins/modules/      <- library/*.py
      plugins/module_utils/ <- module_utils/*.py
      plugins/filter/       <- filter_plugins/*.py
      plugins/doc_fragments/ <- doc_fragments/*.py
      roles/  playbooks/  examples/certificate-theme/

and imports of our module_utils through the collection's path
(``ansible_collections.openedx.certificates.plugins.module_utils.X``
instead of ``ansible.module_utils.X``), our modules and doc fragments by
their fully qualified names in the documentation. ``build_tree`` does that
(``tests/quality/sanity_tree.py`` builds its ansible-test tree with it);
``build`` runs ``ansible-galaxy collection build`` on the tree.

Usage::

    python3 scripts/collection.py [--output-path dist]

prints the path of ``openedx-certificates-X.Y.Z.tar.gz``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
NAMESPACE = GALAXY["namespace"]
NAME = GALAXY["name"]
VERSION = GALAXY["version"]
COLLECTION_PREFIX = f"ansible_collections.{NAMESPACE}.{NAME}.plugins.module_utils"

# project folder -> collection folder
PLUGIN_DIRS = {
    "library": "plugins/modules",
    "module_utils": "plugins/module_utils",
    "filter_plugins": "plugins/filter",
    "doc_fragments": "plugins/doc_fragments",
}
# Content copied as it is (playbooks find the example look next to them).
CONTENT = ("roles", "playbooks", "examples/certificate-theme", "changelogs", "meta", "README.md", "galaxy.yml")


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


def filter_names() -> set[str]:
    """The names of the filters that filter_plugins/ defines."""
    names = set()
    for src in (ROOT / "filter_plugins").glob("*.py"):
        names |= set(re.findall(r"""['"](openedx_\w+)['"]\s*:""", src.read_text(encoding="utf-8")))
    return names


def rewrite_filter_refs(text: str, names: set[str]) -> str:
    """``| openedx_x`` -> ``| openedx.certificates.openedx_x`` in roles and playbooks.

    A checkout finds our filters by their short names (ansible.cfg's
    filter_plugins); inside a collection only modules and roles resolve
    short names against their own collection, filters need the full name.
    """
    fqcn = f"{NAMESPACE}.{NAME}."

    def use(match: re.Match) -> str:
        return f"{match.group(1)}{fqcn}{match.group(2)}" if match.group(2) in names else match.group(0)

    return re.sub(r"(\|\s*)(openedx_\w+)\b", use, text)


def build_tree(base: Path, content: bool = True) -> Path:
    """Create ``base/ansible_collections/NAMESPACE/NAME`` and return its path.

    ``content=False`` lays out only the plugins and the metadata (what
    ansible-test sanity looks at).
    """
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
    for item in CONTENT if content else ("meta", "README.md", "galaxy.yml"):
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, coll / item, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, coll / item)
    if content:
        names = filter_names()
        for folder in ("roles", "playbooks"):
            for path in (coll / folder).rglob("*.yml"):
                text = path.read_text(encoding="utf-8")
                path.write_text(rewrite_filter_refs(text, names), encoding="utf-8")
    return coll


def build(output_path: Path) -> Path:
    """Build ``openedx-certificates-VERSION.tar.gz`` into ``output_path``; its path."""
    output_path.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="collection-"))
    try:
        coll = build_tree(base)
        galaxy = Path(sys.executable).parent / "ansible-galaxy"
        subprocess.run([str(galaxy if galaxy.exists() else "ansible-galaxy"), "collection", "build",
                        str(coll), "--output-path", str(output_path), "--force"],
                       check=True, stdout=subprocess.DEVNULL)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    archive = output_path / f"{NAMESPACE}-{NAME}-{VERSION}.tar.gz"
    if not archive.is_file():
        raise SystemExit(f"ansible-galaxy did not write {archive}")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-path", default=str(ROOT / "dist"), help="where the archive goes")
    args = parser.parse_args(argv)
    print(build(Path(args.output_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
