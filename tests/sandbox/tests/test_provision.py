"""Static checks of provision.sh and the config writer (the full run needs a container or a chroot)."""
import json
import re
import subprocess
import sys

import pytest
import yaml

from conftest import PLATFORM, SANDBOX

IMAGE = SANDBOX / "image"
sys.path.insert(0, str(PLATFORM))
from openedx.core.release import KNOWN_RELEASES, RELEASE_COMMANDS_REMOVED, RELEASE_SETTINGS  # noqa: E402

# verawood: the line another branch adds to release.py; provision.sh and
# sandbox.sh are ready for it (issue 13) and its cases run once it is known.
RELEASES = list(KNOWN_RELEASES) + [r for r in ("verawood",) if r not in KNOWN_RELEASES]


def test_provision_syntax():
    subprocess.run(["bash", "-n", str(IMAGE / "provision.sh")], check=True)


def case_block(text, release, after=""):
    """The body of the case branch of provision.sh whose pattern lists release
    (a|b|c), searched after the line matching `after`."""
    start = re.search(after, text, re.M).end() if after else 0
    for m in re.finditer(r"^\s+([\w|]+)\)(.*?);;", text[start:], re.M | re.S):
        if release in m.group(1).split("|"):
            return m.group(2)
    raise AssertionError("provision.sh has no case for %s" % release)


def test_provision_accepts_every_release_line():
    text = (IMAGE / "provision.sh").read_text()
    usage = re.search(r'usage: \$0 ([\w|]+)', text).group(1).split("|")
    assert set(KNOWN_RELEASES) <= set(usage)
    assert set(usage) <= set(RELEASES)
    for release in usage:
        block = case_block(text, release, r'^case "\$RELEASE" in')
        generation = re.search(r"GENERATION=(\w+)", block).group(1)
        settings = re.search(r"SETTINGS=(\w+)", block).group(1)
        assert generation == ("legacy" if release == "hawthorn" else "modern")
        if release in RELEASE_SETTINGS:
            assert {settings} == RELEASE_SETTINGS[release]


@pytest.mark.parametrize("release", list(KNOWN_RELEASES))
def test_provision_removes_what_the_release_lacks(release):
    text = (IMAGE / "provision.sh").read_text()
    block = case_block(text, release, r"^CMDS=").split("rm -f", 1)[1]
    removed = set(re.findall(r"commands/(\w+)\.py|\$CMDS/(\w+)\.py", block))
    removed = {a or b for a, b in removed}
    assert removed == RELEASE_COMMANDS_REMOVED[release]
    for settings in ("aws", "production"):
        gone = "lms/envs/%s.py" % settings in block and "cms/envs/%s.py" % settings in block
        assert gone == (settings not in RELEASE_SETTINGS[release])
    for command in RELEASE_COMMANDS_REMOVED[release] | {"ungenerated_certs", "gen_cert_report", "cert_generation"}:
        assert (PLATFORM / ("lms/djangoapps/certificates/management/commands/%s.py" % command)).exists()


def assert_mysql_databases(databases):
    """The hosts' MariaDB as a native install configures it: edxapp as
    edxapp001 on the local server, and a read replica (the same here)."""
    assert sorted(databases) == ["default", "read_replica"]
    for entry in databases.values():
        assert entry["ENGINE"] == "django.db.backends.mysql"
        assert (entry["NAME"], entry["USER"], entry["HOST"], entry["PORT"]) == ("edxapp", "edxapp001", "localhost", "3306")
        assert len(entry["PASSWORD"]) >= 32
    assert databases["default"]["ATOMIC_REQUESTS"] is True


def test_write_config_legacy(tmp_path):
    subprocess.run([sys.executable, str(IMAGE / "files" / "write_config.py"), "hawthorn", str(tmp_path)],
                   check=True, capture_output=True)
    for service in ("lms", "cms"):
        env_text = (tmp_path / ("edx/app/edxapp/%s.env.json" % service)).read_text()
        env = json.loads(env_text)
        assert env_text == json.dumps(env, indent=4, sort_keys=True) + "\n"
        assert env["FEATURES"]["CERTIFICATES_HTML_VIEW"] is False
        auth = json.loads((tmp_path / ("edx/app/edxapp/%s.auth.json" % service)).read_text())
        assert_mysql_databases(auth["DATABASES"])
        assert len(auth["SECRET_KEY"]) >= 32
    assert not (tmp_path / "edx/etc").exists()


@pytest.mark.parametrize("release", [r for r in RELEASES if r != "hawthorn"])
def test_write_config_modern(tmp_path, release):
    subprocess.run([sys.executable, str(IMAGE / "files" / "write_config.py"), release, str(tmp_path)],
                   check=True, capture_output=True)
    for name in ("lms.yml", "studio.yml"):
        data = yaml.safe_load((tmp_path / "edx/etc" / name).read_text())
        assert data["FEATURES"]["CERTIFICATES_HTML_VIEW"] is False
        assert "SECRET_KEY" in data
        assert_mysql_databases(data["DATABASES"])
    assert not (tmp_path / "edx/app").exists()


def test_image_cache_hash_follows_the_release_requirements_only(tmp_path):
    """sandbox.sh caches a release image by the platform, image/ and that
    release's requirements file (requirements-RELEASE.txt, else
    requirements.txt): editing one release's file rebuilds that release
    only. Run on a copy of the tree, so the real files are not touched."""
    tree = tmp_path / "tests" / "sandbox"
    tree.mkdir(parents=True)
    for name in ("sandbox.sh", "requirements.txt", "requirements-redwood.txt"):
        (tree / name).write_bytes((SANDBOX / name).read_bytes())
    (tree / "sandbox.sh").chmod(0o755)
    (tree / "image").mkdir()
    (tree / "image" / "provision.sh").write_bytes((IMAGE / "provision.sh").read_bytes())
    (tree / "edx-platform").mkdir()
    (tree / "edx-platform" / "manage.py").write_text("# platform\n")

    def hashes():
        env = {"PATH": "/usr/bin:/bin", "SANDBOX_STATE_DIR": str(tmp_path / "state")}
        return {r: subprocess.run([str(tree / "sandbox.sh"), "hash", r], env=env, check=True,
                                  capture_output=True, text=True).stdout.strip()
                for r in ("hawthorn", "maple", "redwood", "verawood")}

    before = hashes()
    assert len(set(before.values())) == 2  # redwood has its own file; the others share requirements.txt
    assert before["redwood"] != before["maple"] == before["hawthorn"] == before["verawood"]
    with open(tree / "requirements-redwood.txt", "a") as f:
        f.write("# edited\n")
    after_redwood = hashes()
    assert after_redwood["redwood"] != before["redwood"]
    assert {r: h for r, h in after_redwood.items() if r != "redwood"} == {
        r: h for r, h in before.items() if r != "redwood"}
    with open(tree / "requirements.txt", "a") as f:
        f.write("# edited\n")
    after_shared = hashes()
    assert after_shared["redwood"] == after_redwood["redwood"]
    assert all(after_shared[r] != after_redwood[r] for r in ("hawthorn", "maple", "verawood"))
    (tree / "edx-platform" / "manage.py").write_text("# platform changed\n")
    assert all(h != after_shared[r] for r, h in hashes().items())
