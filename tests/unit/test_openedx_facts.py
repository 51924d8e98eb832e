"""Unit tests of library/openedx_facts.py and module_utils/openedx_host.py on fake host trees."""

import json

import pytest

from conftest import run_module
from ansible.module_utils import openedx_host

MOD = "openedx_facts"
CMDS = "lms/djangoapps/certificates/management/commands"


# Module warnings in the results (see conftest.module_messages).
pytestmark = pytest.mark.usefixtures("module_messages")


def warnings_of(result):
    return [w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings", [])]


class Host(object):
    """A fake /edx tree under tmp_path; absolute host paths are patched to it."""

    def __init__(self, root, monkeypatch):
        self.root = root
        self.platform = root / "edx/app/edxapp/edx-platform"
        self.config_root = root / "edx/app/edxapp"
        self.etc = root / "edx/etc"
        self.python = root / "edx/app/edxapp/venvs/edxapp/bin/python"
        self.supervisorctl = root / "edx/bin/supervisorctl"
        self.units = root / "etc/systemd/system"
        monkeypatch.setattr(openedx_host, "SUPERVISORCTL", str(self.supervisorctl))
        monkeypatch.setattr(openedx_host, "SYSTEMD_UNIT_DIRS", (str(self.units), str(root / "lib/systemd/system")))
        (self.platform / "lms/envs").mkdir(parents=True)
        (self.platform / "manage.py").write_text("#!/usr/bin/env python\n")
        self.etc.mkdir(parents=True)

    def write(self, rel, text=""):
        path = self.root / rel if not str(rel).startswith("/") else rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def pfile(self, rel, text=""):
        return self.write(self.platform.relative_to(self.root) / rel, text)

    def release(self, name):
        self.pfile("openedx/core/release.py",
                   '"""Release line."""\nfrom __future__ import unicode_literals\n\nRELEASE_LINE = "%s"\n\n'
                   'def doc_version():\n    return RELEASE_LINE\n' % name)

    def commands(self, *names):
        for name in names:
            self.pfile("%s/%s.py" % (CMDS, name), "class Command: pass\n")

    def args(self, **extra):
        args = {"platform_dir": str(self.platform), "yaml_config_dir": str(self.etc), "python": str(self.python)}
        args.update(extra)
        return args


@pytest.fixture
def host(tmp_path, monkeypatch):
    return Host(tmp_path, monkeypatch)


def hawthorn(host):
    host.release("hawthorn")
    host.pfile("lms/envs/aws.py", "CONFIG_ROOT = ...\n")
    host.pfile("lms/envs/common.py", "AUDIT_CERT_CUTOFF_DATE = None\n")
    host.commands("ungenerated_certs", "gen_cert_report")
    host.write(host.config_root.relative_to(host.root) / "lms.env.json",
               json.dumps({"LMS_ROOT_URL": "https://lms.example.com", "SECRET_KEY": "s3cr3t-value"}, indent=4))
    host.write(host.config_root.relative_to(host.root) / "cms.env.json", "{}")
    host.write(host.supervisorctl.relative_to(host.root), "#!/bin/sh\n")
    host.write(host.python.relative_to(host.root), "")
    host.write(host.config_root.relative_to(host.root) / "edxapp_env",
               "export EDX_PLATFORM_SETTINGS='aws'\nexport PATH=/edx/bin:$PATH\n")


def modern(host, release, commands):
    host.release(release)
    host.pfile("lms/envs/production.py", "LMS_CFG\n")
    host.pfile("lms/envs/common.py", "AUDIT_CERT_CUTOFF_DATE = None\n" if release == "lilac" else "X = 1\n")
    host.commands(*commands)
    host.write(host.etc.relative_to(host.root) / "lms.yml",
               "LMS_ROOT_URL: http://lms.example.com\nSECRET_KEY: s3cr3t-value\n")
    host.write(host.etc.relative_to(host.root) / "studio.yml", "FEATURES: {}\n")
    for unit in ("lms", "cms", "edxapp-workers"):
        host.write(host.units.relative_to(host.root) / ("%s.service" % unit), "[Unit]\n")


def facts_of(host, **extra):
    result = run_module(MOD, host.args(**extra))
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is False
    return result["ansible_facts"]["openedx"], result


def test_hawthorn(host):
    hawthorn(host)
    facts, result = facts_of(host)
    assert facts["generation"] == "legacy" and facts["generation_detected"] == "legacy"
    assert facts["release_line"] == "hawthorn"
    assert facts["settings"] == "aws"
    assert facts["config_format"] == "json"
    assert facts["config_files"]["lms"] == str(host.config_root / "lms.env.json")
    assert facts["config_files"]["cms"] == str(host.config_root / "cms.env.json")
    assert facts["config_files"]["lms_auth"] == str(host.config_root / "lms.auth.json")
    assert facts["config_files_exist"] == {"lms": True, "cms": True, "lms_auth": False, "cms_auth": False}
    assert facts["environment"] == {}
    assert facts["service_manager"] == "supervisor"
    assert facts["services"]["workers"] == "edxapp_worker:"
    assert facts["commands"] == {"ungenerated_certs": True, "gen_cert_report": True, "cert_generation": False, "regenerate_noidv_cert": False}
    assert facts["audit_cert_cutoff_supported"] is True
    assert facts["audit_cert_cutoff_source"] == "release_line"
    assert facts["lms_https"] is True
    assert facts["python"] == str(host.python)
    assert facts["platform_dir"] == str(host.platform)
    assert facts["env_file"] == str(host.config_root / "edxapp_env")
    assert "s3cr3t-value" not in json.dumps(result)


def test_lilac(host):
    modern(host, "lilac", ["ungenerated_certs"])
    facts, result = facts_of(host)
    assert facts["generation"] == "modern"
    assert facts["release_line"] == "lilac"
    assert facts["settings"] == "production"
    assert facts["config_format"] == "yaml"
    assert facts["config_files"] == {"lms": str(host.etc / "lms.yml"), "cms": str(host.etc / "studio.yml")}
    assert facts["environment"] == {"LMS_CFG": str(host.etc / "lms.yml"), "STUDIO_CFG": str(host.etc / "studio.yml"),
                                    "CMS_CFG": str(host.etc / "studio.yml")}
    assert facts["service_manager"] == "systemd"
    assert facts["services"] == {"lms": "lms", "cms": "cms", "workers": "edxapp-workers"}
    assert facts["commands"] == {"ungenerated_certs": True, "gen_cert_report": False, "cert_generation": False, "regenerate_noidv_cert": False}
    assert facts["audit_cert_cutoff_supported"] is True
    assert facts["lms_https"] is False
    assert facts["python"] is None
    assert "s3cr3t-value" not in json.dumps(result)


def test_maple(host):
    modern(host, "maple", ["cert_generation"])
    facts, _ = facts_of(host)
    assert facts["generation"] == "modern" and facts["release_line"] == "maple"
    assert facts["commands"] == {"ungenerated_certs": False, "gen_cert_report": False, "cert_generation": True, "regenerate_noidv_cert": False}
    assert facts["audit_cert_cutoff_supported"] is False
    assert facts["audit_cert_cutoff_source"] == "release_line"


@pytest.mark.parametrize("common,expected", [("AUDIT_CERT_CUTOFF_DATE = None\n", True), ("X = 1\n", False)])
def test_master_falls_back_to_common_py(host, common, expected):
    modern(host, "maple", ["cert_generation"])
    host.release("master")
    host.pfile("lms/envs/common.py", common)
    facts, _ = facts_of(host)
    assert facts["release_line"] == "master"
    assert facts["audit_cert_cutoff_supported"] is expected
    assert facts["audit_cert_cutoff_source"] == "lms/envs/common.py"


@pytest.mark.parametrize("release,expected", [
    ("hawthorn", "/certificates/{verify_uuid}"),
    ("lilac", "/certificates/{verify_uuid}"),
    ("maple", "/certificates/{verify_uuid}"),
    ("open-release/eucalyptus.3", "/certificates/{verify_uuid}"),
    ("master", "/certificates/{verify_uuid}"),
    ("dogwood", "/certificates/user/{user_id}/course/{course_id}"),
    ("open-release/cypress.1", "/certificates/user/{user_id}/course/{course_id}"),
])
def test_certificate_url_per_release(host, release, expected):
    # The URL of a learner's certificate the release serves
    # (docs/research/certificate-page-rules.md): user/course answers "URL Not
    # Supported" from Lilac on; the uuid URL exists from Eucalyptus on.
    if openedx_host.release_generation(release) == "legacy":
        hawthorn(host)
    else:
        modern(host, "maple", ["cert_generation"])
    host.release(release)
    facts, _ = facts_of(host)
    assert facts["certificate_url"] == expected
    url = facts["certificate_url"].format(verify_uuid="0f" * 16, user_id=42, course_id="course-v1:edX+DemoX+Demo")
    assert url in ("/certificates/" + "0f" * 16, "/certificates/user/42/course/course-v1:edX+DemoX+Demo")


def test_certificate_url_without_release_file(host):
    modern(host, "maple", ["cert_generation"])
    (host.platform / "openedx/core/release.py").unlink()
    facts, _ = facts_of(host)
    assert facts["release_line"] is None
    assert facts["certificate_url"] == "/certificates/{verify_uuid}"


def test_release_names():
    assert openedx_host.release_name("open-release/lilac.3") == "lilac"
    assert openedx_host.release_name("Juniper") == "juniper"
    assert openedx_host.release_generation("ginkgo") == "legacy"
    assert openedx_host.release_generation("ironwood") == "modern"
    assert openedx_host.release_generation("master") is None


def test_ironwood_transition_prefers_yaml(host):
    # Ironwood: aws.py still there, production.py and lms.yml too, and an old lms.env.json
    modern(host, "ironwood", ["ungenerated_certs", "gen_cert_report"])
    host.pfile("lms/envs/aws.py", "")
    host.write(host.config_root.relative_to(host.root) / "lms.env.json", "{}")
    facts, result = facts_of(host)
    assert facts["generation"] == "modern" and facts["config_format"] == "yaml"
    assert any("lms.env.json exists but this host reads" in w for w in warnings_of(result))


def test_generation_override_contradiction_legacy(host):
    modern(host, "lilac", ["ungenerated_certs"])
    result = run_module(MOD, host.args(generation="legacy"))
    assert result["failed"]
    msg = result["msg"]
    assert msg.startswith("generation=legacy was asked but")
    assert str(host.etc / "lms.yml") + " exists" in msg
    assert "aws.py is missing" in msg and "Ironwood or later" in msg


def test_generation_override_contradiction_modern(host):
    hawthorn(host)
    result = run_module(MOD, host.args(generation="modern"))
    assert result["failed"]
    assert "production.py is missing" in result["msg"] and "Hawthorn or earlier" in result["msg"]


def test_generation_override_agrees(host):
    hawthorn(host)
    facts, _ = facts_of(host, generation="legacy")
    assert facts["generation"] == "legacy"


def test_generation_override_when_files_ambiguous(host):
    # both settings modules, no config files, no release line: auto falls back to ... nothing clear
    host.pfile("lms/envs/aws.py", "")
    host.pfile("lms/envs/production.py", "")
    result = run_module(MOD, host.args())
    assert result["failed"] and "cannot tell" in result["msg"]
    facts, result = facts_of(host, generation="modern")
    assert facts["generation"] == "modern" and facts["generation_detected"] is None
    assert any("does not exist" in w for w in warnings_of(result))


def test_no_platform(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere/edx-platform"
    result = run_module(MOD, {"platform_dir": str(missing)})
    assert result["failed"]
    assert str(missing) in result["msg"] and "manage.py" in result["msg"] and "lms/envs" in result["msg"]


def test_nothing_matches(host):
    result = run_module(MOD, host.args())
    assert result["failed"]
    assert "aws.py" in result["msg"] and "production.py" in result["msg"] and "lms.yml" in result["msg"]


def test_env_file_lms_cfg_and_custom_settings(host):
    modern(host, "koa", ["ungenerated_certs"])
    custom = host.write("srv/conf/my-lms.yml", "LMS_ROOT_URL: https://x.org\n")
    host.pfile("lms/envs/mysite.py", "")
    host.write(host.config_root.relative_to(host.root) / "edxapp_env",
               'export LMS_CFG="%s"\nexport EDX_PLATFORM_SETTINGS=mysite\n# export STUDIO_CFG=/nope\n' % custom)
    facts, _ = facts_of(host)
    assert facts["config_files"]["lms"] == str(custom)
    assert facts["environment"]["LMS_CFG"] == str(custom)
    assert facts["settings"] == "mysite"
    assert facts["lms_https"] is True


def test_lms_cfg_option_wins(host):
    modern(host, "koa", ["ungenerated_certs"])
    other = host.write("other/lms.yml", "A: 1\n")
    facts, _ = facts_of(host, lms_cfg=str(other), config_root=str(host.config_root))
    assert facts["config_files"]["lms"] == str(other)
    assert facts["lms_https"] is None


def test_config_root_option_sets_env_for_legacy(host, tmp_path):
    hawthorn(host)
    alt = tmp_path / "alt"
    alt.mkdir()
    (alt / "lms.env.json").write_text('{"HTTPS": "off"}')
    facts, _ = facts_of(host, config_root=str(alt))
    assert facts["environment"] == {"CONFIG_ROOT": str(alt)}
    assert facts["config_files"]["lms"] == str(alt / "lms.env.json")
    assert facts["lms_https"] is False


def test_service_manager_unknown(host):
    modern(host, "maple", ["cert_generation"])
    for unit in host.units.iterdir():
        unit.unlink()
    facts, _ = facts_of(host)
    assert facts["service_manager"] == "unknown"


def test_check_mode(host):
    hawthorn(host)
    result = run_module(MOD, host.args(), check_mode=True)
    assert result["changed"] is False
    assert result["ansible_facts"]["openedx"]["generation"] == "legacy"


def test_corrupt_config_gives_null_https(host):
    modern(host, "lilac", ["ungenerated_certs"])
    (host.etc / "lms.yml").write_text("A: [1\n")
    facts, result = facts_of(host)
    assert facts["lms_https"] is None
    assert any("lms_https unknown" in w for w in warnings_of(result))


# ------------------------------------------------ Redwood to Verawood (issue 13)

PROXY = "openedx/core/lib/features_setting_proxy.py"
FLAT = ["FEATURES.CERTIFICATES_HTML_VIEW", "CERTIFICATES_HTML_VIEW"]
BLOCK = ["FEATURES.CERTIFICATES_HTML_VIEW"]


def recent(host, release, proxy, commands=("cert_generation", "regenerate_noidv_cert")):
    modern(host, release, list(commands))
    host.pfile("lms/djangoapps/certificates/config.py",
               'AUTO_CERTIFICATE_GENERATION = WaffleSwitch("certificates.auto_certificate_generation")\n')
    host.pfile("lms/djangoapps/certificates/models.py",
               "class CertificateGenerationConfiguration(ConfigurationModel): pass\n"
               "class CertificateGenerationCourseSetting(TimeStampedModel): pass\n")
    if proxy:
        host.pfile(PROXY, "class FeaturesProxy: pass\n")


@pytest.mark.parametrize("release,proxy,keys", [
    ("nutmeg", False, BLOCK), ("olive", False, BLOCK), ("palm", False, BLOCK), ("quince", False, BLOCK),
    ("redwood", False, BLOCK), ("sumac", False, BLOCK), ("teak", False, BLOCK),
    ("ulmo", True, FLAT), ("verawood", True, FLAT), ("open-release/redwood.3", False, BLOCK),
    ("release/ulmo.3", True, FLAT), ("release/verawood.1", True, FLAT),
])
def test_releases_after_maple_by_name(host, release, proxy, keys):
    recent(host, release, proxy)
    facts, result = facts_of(host)
    assert facts["release"] == release.split("/")[-1].split(".")[0]
    assert facts["release_source"] == "release_line" and facts["release_problem"] is None
    assert facts["generation"] == "modern" and facts["audit_cert_cutoff_supported"] is False
    assert facts["features_proxy"] is proxy
    assert facts["html_view_flag_keys"] == keys
    assert facts["commands"]["regenerate_noidv_cert"] is True
    assert facts["certificate_policy"] == {"auto_generation_switch": True, "self_generation_configuration": True,
                                           "course_generation_settings": True}
    assert warnings_of(result) == []


def test_release_name_of_release_branches():
    assert openedx_host.release_name("release/ulmo.3") == "ulmo"
    assert openedx_host.release_name("open-release/redwood.3") == "redwood"


def test_release_line_wins_over_a_stray_proxy_file_and_says_so(host):
    # A Teak host with the proxy file (a backport, a half-finished upgrade):
    # the release line decides what the platform reads, and the run warns.
    recent(host, "teak", proxy=True)
    facts, result = facts_of(host)
    assert facts["html_view_flag_keys"] == BLOCK and facts["features_proxy"] is False
    assert any("FEATURES proxy" in w and PROXY in w for w in warnings_of(result))


@pytest.mark.parametrize("proxy,commands,release,keys", [
    (True, ("cert_generation", "regenerate_noidv_cert"), "ulmo", FLAT),
    (False, ("cert_generation", "regenerate_noidv_cert"), "nutmeg", BLOCK),
    (False, ("cert_generation",), "maple", BLOCK),
])
def test_master_is_placed_from_the_files(host, proxy, commands, release, keys):
    recent(host, "master", proxy, commands)
    facts, _ = facts_of(host)
    assert facts["release_line"] == "master"
    assert facts["release"] == release and facts["release_source"] == "files"
    assert facts["html_view_flag_keys"] == keys
    assert any("placed from the files" in e for e in facts["evidence"])


def test_master_that_nothing_places_says_why(host):
    modern(host, "master", [])
    facts, _ = facts_of(host)
    assert facts["release"] is None and facts["release_source"] is None
    assert "cannot place the release" in facts["release_problem"]
    assert PROXY in facts["release_problem"] and "cert_generation.py" in facts["release_problem"]


@pytest.mark.parametrize("line", ["willow", "open-release/zebra.1", "nelc-custom"])
def test_unknown_release_line_is_refused(host, line):
    recent(host, line, proxy=True)
    result = run_module(MOD, host.args())
    assert result["failed"] is True
    assert repr(line) in result["msg"] and "does not know" in result["msg"]
    assert "verawood" in result["msg"]


def test_policy_support_from_the_files(host):
    # A platform whose certificates app lacks the switch and the models
    # (older than the policy, or a fork that removed them).
    modern(host, "maple", ["cert_generation"])
    facts, _ = facts_of(host)
    assert facts["certificate_policy"] == {"auto_generation_switch": False, "self_generation_configuration": False,
                                           "course_generation_settings": False}
    host.pfile("lms/djangoapps/certificates/models.py", "class CertificateGenerationCourseSetting(Model): pass\n")
    facts, _ = facts_of(host)
    assert facts["certificate_policy"]["course_generation_settings"] is True
    assert facts["certificate_policy"]["self_generation_configuration"] is False


def test_legacy_flag_key_is_the_features_block(host):
    hawthorn(host)
    facts, _ = facts_of(host)
    assert facts["html_view_flag_keys"] == BLOCK and facts["release"] == "hawthorn"
