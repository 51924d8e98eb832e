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
from openedx.core.release import RELEASE_COMMANDS_REMOVED, RELEASE_SETTINGS  # noqa: E402


def test_provision_syntax():
    subprocess.run(["bash", "-n", str(IMAGE / "provision.sh")], check=True)


@pytest.mark.parametrize("release", ["hawthorn", "lilac", "maple"])
def test_provision_removes_what_the_release_lacks(release):
    text = (IMAGE / "provision.sh").read_text()
    block = re.search(r"^\s+%s\)\s+rm -f (.*?);;" % release, text, re.M | re.S).group(1)
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


@pytest.mark.parametrize("release", ["lilac", "maple"])
def test_write_config_modern(tmp_path, release):
    subprocess.run([sys.executable, str(IMAGE / "files" / "write_config.py"), release, str(tmp_path)],
                   check=True, capture_output=True)
    for name in ("lms.yml", "studio.yml"):
        data = yaml.safe_load((tmp_path / "edx/etc" / name).read_text())
        assert data["FEATURES"]["CERTIFICATES_HTML_VIEW"] is False
        assert "SECRET_KEY" in data
        assert_mysql_databases(data["DATABASES"])
    assert not (tmp_path / "edx/app").exists()
