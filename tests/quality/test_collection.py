"""The collection openedx.certificates: ``make collection`` builds an archive
that ``ansible-galaxy collection install`` accepts offline, and what it
installs is whole: every module, filter, role and playbook, the role
documentation renders with ``ansible-doc -t role``, the playbooks parse, and
the changelog is as antsibull-changelog wants it. (Running the installed
site.yml against a host is tests/integration/test_preflight.py's.)
"""

from __future__ import annotations

import json
import re
import sys

import pytest
import yaml

from . import quality_helpers as qh

sys.path.insert(0, str(qh.ROOT / "scripts"))
import collection  # noqa: E402


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    result = qh.run([sys.executable, str(qh.ROOT / "scripts" / "collection.py"), "--output-path", str(dist)],
                    env=qh.tool_env(), timeout=300)
    assert result.returncode == 0, qh.describe(result)
    archive = dist / f"openedx-certificates-{collection.VERSION}.tar.gz"
    assert archive.is_file(), sorted(dist.iterdir())
    target = tmp_path_factory.mktemp("collections")
    env = qh.tool_env()
    env.pop("ANSIBLE_CONFIG", None)
    # Only this folder: a copy installed in ~/.ansible/collections would make
    # ansible-galaxy say "already installed" and install nothing here.
    env["ANSIBLE_COLLECTIONS_PATH"] = str(target)
    result = qh.run([str(qh.BIN / "ansible-galaxy"), "collection", "install", "--offline", "-p", str(target),
                     str(archive)], env=env, timeout=300, cwd=target)
    assert result.returncode == 0, qh.describe(result)
    env["ANSIBLE_COLLECTIONS_PATH"] = str(target)
    return target / "ansible_collections" / "openedx" / "certificates", env, target


def test_archive_name_and_metadata(installed):
    coll, _env, _target = installed
    manifest = json.loads((coll / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["namespace"] == "openedx"
    assert manifest["collection_info"]["name"] == "certificates"
    assert manifest["collection_info"]["version"] == yaml.safe_load((qh.ROOT / "galaxy.yml").read_text())["version"]


def test_installed_collection_has_every_plugin_role_and_playbook(installed):
    coll, _env, _target = installed
    for src_dir, dst_dir in collection.PLUGIN_DIRS.items():
        expected = sorted(p.name for p in (qh.ROOT / src_dir).glob("*.py"))
        assert sorted(p.name for p in (coll / dst_dir).glob("*.py")) == expected, dst_dir
    assert sorted(p.name for p in (coll / "roles").iterdir()) == sorted(r.name for r in qh.role_dirs())
    assert sorted(p.name for p in (coll / "playbooks").glob("*.yml")) == \
        sorted(p.name for p in (qh.ROOT / "playbooks").glob("*.yml"))


def test_filters_are_fully_qualified_in_the_collection(installed):
    """A collection's roles and playbooks resolve only modules and roles by
    short name; every one of our filters must be called by its full name."""
    coll, _env, _target = installed
    names = collection.filter_names()
    assert names, "no filter found in filter_plugins/"
    short = [f"{p.relative_to(coll)}: {m.group(0)}" for folder in ("roles", "playbooks")
             for p in (coll / folder).rglob("*.yml")
             for m in re.finditer(r"\|\s*(openedx_\w+)\b", p.read_text()) if m.group(1) in names]
    assert not short, "\n".join(short)


@pytest.mark.parametrize("role", [r.name for r in qh.role_dirs()])
def test_role_documentation_renders_from_the_installed_collection(installed, role):
    _coll, env, target = installed
    result = qh.run([str(qh.BIN / "ansible-doc"), "-t", "role", f"openedx.certificates.{role}"],
                    env=env, timeout=120, cwd=target)
    assert result.returncode == 0, qh.describe(result)
    assert re.search(r"ENTRY POINT: \W*main\b", result.stdout), result.stdout[:500]
    spec = yaml.safe_load((qh.ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
    for option in spec["argument_specs"]["main"]["options"]:
        assert option in result.stdout, f"{option} is not in ansible-doc -t role's output"


def test_module_documentation_renders_from_the_installed_collection(installed):
    _coll, env, target = installed
    for module in qh.module_names():
        result = qh.run([str(qh.BIN / "ansible-doc"), f"openedx.certificates.{module}"],
                        env=env, timeout=120, cwd=target)
        assert result.returncode == 0 and "ERROR" not in result.stderr, qh.describe(result)


@pytest.mark.parametrize("playbook", sorted(p.stem for p in (qh.ROOT / "playbooks").glob("*.yml")))
def test_installed_playbooks_parse(installed, playbook):
    _coll, env, target = installed
    result = qh.run([str(qh.BIN / "ansible-playbook"), "-i", "localhost,", f"openedx.certificates.{playbook}",
                     "--syntax-check"], env=env, timeout=120, cwd=target)
    assert result.returncode == 0, qh.describe(result)


def test_changelog_lints():
    for args in (["lint"], ["lint-changelog-yaml", "changelogs/changelog.yaml"]):
        result = qh.run([str(qh.BIN / "antsibull-changelog")] + args, env=qh.tool_env(), timeout=120)
        assert result.returncode == 0 and not result.stdout.strip(), qh.describe(result)
    fragments = list((qh.ROOT / "changelogs" / "fragments").glob("*.yml"))
    assert fragments, "no changelog fragment: every change since the last release needs one"
