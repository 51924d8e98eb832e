#!/usr/bin/env python3
"""Build a temporary collection tree of this project and run ``ansible-test sanity`` in it.

ansible-test only works inside ``ansible_collections/NAMESPACE/NAME/``. This
script copies the project's plugins into such a tree::

    ansible_collections/openedx/certificates/
      galaxy.yml  meta/runtime.yml  README.md
      plugins/modules/      <- library/*.py
      plugins/module_utils/ <- module_utils/*.py
      plugins/filter/       <- filter_plugins/*.py
      plugins/doc_fragments/ <- doc_fragments/*.py
      tests/sanity/ignore-2.19.txt <- tests/quality/sanity-ignore.txt (justified entries only)

and rewrites ``ansible.module_utils.openedx_x`` imports (the form that works
with ansible.cfg's ``module_utils`` path) to the collection's import path, so
that validate-modules and the import test load the real code. The layout and
the rewriting are scripts/collection.py's, which ``make collection`` builds
the released archive with.

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
sys.path.insert(0, str(ROOT / "scripts"))
import collection  # noqa: E402  (scripts/collection.py: the one layout of the collection)

NAMESPACE = collection.NAMESPACE
NAME = collection.NAME
COLLECTION_PREFIX = collection.COLLECTION_PREFIX
PLUGIN_DIRS = collection.PLUGIN_DIRS
rewrite_imports = collection.rewrite_imports
rewrite_module_refs = collection.rewrite_module_refs
rewrite_doc_fragments = collection.rewrite_doc_fragments
IGNORE_SOURCE = ROOT / "tests" / "quality" / "sanity-ignore.txt"
ANSIBLE_CORE_LINE = "2.19"
PIP_VERSION = "24.2"
STANDIN_MARKER = "openedx-toolkit offline get-pip stand-in"


def build_tree(base: Path) -> Path:
    """The collection's plugins and metadata (scripts/collection.py) under
    ``base``, with the justified sanity ignores; its path."""
    coll = collection.build_tree(base, content=False)
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
