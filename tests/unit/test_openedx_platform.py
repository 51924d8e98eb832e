"""module_utils/openedx_platform.py: settings, argv, and the one-process runner."""

import json
import os
import pwd
import shutil
import subprocess

import pytest

from ansible.module_utils import openedx_platform as op
from ansible.module_utils.openedx_runner import RESULT_BEGIN, RESULT_END

# The throwaway Django project of the runner tests (fixtures).
from test_openedx_runner import GOOD, db_rows, make_platform, platform_template  # noqa: F401

ME = pwd.getpwuid(os.geteuid()).pw_name


class Failed(Exception):
    pass


class FakeModule:
    """Just what openedx_platform uses of AnsibleModule."""

    def __init__(self, params, outcome=None):
        self.params = dict(platform_dir=None, python=None, settings=None, user="edxapp",
                           environment={}, config_root=None)
        self.params.update(params)
        self.outcome = outcome  # (rc, stdout, stderr) or None: run for real
        self.calls = []

    def fail_json(self, **kwargs):
        raise Failed(kwargs)

    def get_bin_path(self, name, required=False):
        return shutil.which(name) or "/usr/bin/" + name

    def run_command(self, argv, cwd=None, data=None):
        self.calls.append(dict(argv=argv, cwd=cwd, data=data))
        if self.outcome is not None:
            return self.outcome
        proc = subprocess.run(argv, cwd=cwd, input=data, capture_output=True, text=True, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def host(tmp_path, monkeypatch):
    """A fake /edx layout: edxapp dir with edx-platform/manage.py and a python."""
    edxapp = tmp_path / "app" / "edxapp"
    platform = edxapp / "edx-platform"
    platform.mkdir(parents=True)
    (platform / "manage.py").write_text("")
    python = edxapp / "venvs" / "edxapp" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    etc = tmp_path / "etc"
    etc.mkdir()
    monkeypatch.setattr(op, "MODERN_CONFIG_DIR", str(etc))
    return dict(edxapp=edxapp, platform=platform, python=python, etc=etc)


def params(host, **extra):
    base = dict(platform_dir=str(host["platform"]), python=str(host["python"]),
                settings=None, user=ME, environment={}, config_root=None)
    base.update(extra)
    return base


# ------------------------------------------------------------------ settings

def test_settings_given_wins(host):
    (host["edxapp"] / "lms.env.json").write_text("{}")
    assert op.platform_settings(params(host, settings="devstack")) == "devstack"


def _envs(host, *names):
    envs = host["platform"] / "lms" / "envs"
    envs.mkdir(parents=True, exist_ok=True)
    for name in names:
        (envs / (name + ".py")).write_text("")


def test_settings_legacy_when_env_json_and_no_yaml(host):
    _envs(host, "aws")
    (host["edxapp"] / "lms.env.json").write_text("{}")
    assert op.platform_settings(params(host)) == "aws"


def test_settings_modern_when_yaml_exists(host):
    (host["edxapp"] / "lms.env.json").write_text("{}")
    (host["etc"] / "lms.yml").write_text("")
    assert op.platform_settings(params(host)) == "production"


def test_settings_modern_by_default(host):
    assert op.platform_settings(params(host)) == "production"


def test_settings_legacy_config_root(host, tmp_path):
    root = tmp_path / "cfg"
    root.mkdir()
    (root / "lms.env.json").write_text("{}")
    # Ironwood kept both settings modules: only the JSON file tells.
    _envs(host, "aws", "production")
    assert op.platform_settings(params(host)) == "production"
    assert op.platform_settings(params(host, config_root=str(root))) == "aws"


def test_modern_host_laid_out_elsewhere_with_a_leftover_env_json(host, tmp_path):
    """Issue 11/12: the modules took LMS_CFG from a fixed /edx/etc and called a
    modern host with a leftover lms.env.json legacy; the roles (openedx_facts)
    read the host's edxapp_env. Both now follow openedx_host.detect."""
    _envs(host, "aws", "production")
    (host["edxapp"] / "lms.env.json").write_text("{}")
    conf = tmp_path / "srv" / "conf"
    conf.mkdir(parents=True)
    (conf / "lms.yml").write_text("FEATURES: {}\n")
    (conf / "studio.yml").write_text("FEATURES: {}\n")
    (host["edxapp"] / "edxapp_env").write_text(
        "export LMS_CFG={0}/lms.yml\nexport STUDIO_CFG={0}/studio.yml\n".format(conf))
    assert op.platform_settings(params(host)) == "production"
    env = op.platform_environment(params(host))
    assert env == {"LMS_CFG": str(conf / "lms.yml"), "STUDIO_CFG": str(conf / "studio.yml"),
                   "CMS_CFG": str(conf / "studio.yml")}
    argv = op.manage_argv(params(host), "lms", ["migrate"])
    assert "--settings=production" in argv and "LMS_CFG={}/lms.yml".format(conf) in argv


@pytest.mark.parametrize("layout", ["legacy", "modern", "modern-leftover-json", "custom-settings"])
def test_modules_and_facts_agree(host, layout):
    """platform_settings/environment give what openedx_facts reports, for every layout."""
    from ansible.module_utils.openedx_host import detect
    if layout == "legacy":
        _envs(host, "aws")
        (host["edxapp"] / "lms.env.json").write_text("{}")
    else:
        _envs(host, "production")
        (host["etc"] / "lms.yml").write_text("")
        if layout == "modern-leftover-json":
            (host["edxapp"] / "lms.env.json").write_text("{}")
        if layout == "custom-settings":
            _envs(host, "production", "ourcorp")
            (host["edxapp"] / "edxapp_env").write_text("export EDX_PLATFORM_SETTINGS=ourcorp\n")
    facts, _ = detect(platform_dir=str(host["platform"]), yaml_config_dir=str(host["etc"]))
    assert op.platform_settings(params(host)) == facts["settings"]
    env = op.platform_environment(params(host))
    assert {k: v for k, v in env.items() if k in facts["environment"]} == facts["environment"]


def test_environment_modern_legacy_and_override(host):
    env = op.platform_environment(params(host))
    assert env == {"LMS_CFG": str(host["etc"] / "lms.yml"),
                   "STUDIO_CFG": str(host["etc"] / "studio.yml"),
                   "CMS_CFG": str(host["etc"] / "studio.yml")}
    env = op.platform_environment(params(host, settings="aws", config_root="/edx/app/edxapp"))
    assert env == {"CONFIG_ROOT": "/edx/app/edxapp"}
    env = op.platform_environment(params(host, environment={"LMS_CFG": "/x.yml", "N": 5}))
    assert env["LMS_CFG"] == "/x.yml" and env["N"] == "5"


# ------------------------------------------------------------------ argv

def test_manage_argv_as_other_user_uses_sudo(host):
    argv = op.manage_argv(params(host, user="someone-else", settings="aws"), "lms", ["migrate"])
    assert argv[:6] == ["sudo", "-H", "-n", "-u", "someone-else", "--"]
    assert argv[6:] == [str(host["python"]), str(host["platform"] / "manage.py"),
                        "lms", "--settings=aws", "migrate"]


def test_manage_argv_as_same_user_no_sudo(host):
    argv = op.manage_argv(params(host), "cms", ["shell", "-c", "x"])
    assert "sudo" not in argv
    assert argv[0] == "env"
    assert "LMS_CFG=%s" % (host["etc"] / "lms.yml") in argv
    assert argv[-6:] == [str(host["platform"] / "manage.py"), "cms", "--settings=production",
                         "shell", "-c", "x"]


def test_manage_argv_no_user(host):
    argv = op.manage_argv(params(host, user="", settings="aws"), "lms", [])
    assert argv == [str(host["python"]), str(host["platform"] / "manage.py"), "lms", "--settings=aws"]


def test_run_manage_cwd_is_platform(host):
    module = FakeModule(params(host), outcome=(0, "ok", ""))
    assert op.run_manage(module, "lms", ["help"]) == (0, "ok", "")
    assert module.calls[0]["cwd"] == str(host["platform"])


def test_run_manage_refuses_missing_manage_py(host):
    (host["platform"] / "manage.py").unlink()
    module = FakeModule(params(host), outcome=(0, "", ""))
    with pytest.raises(Failed, match="no manage.py in platform_dir"):
        op.run_manage(module, "lms", ["help"])
    assert module.calls == []


def test_run_manage_refuses_missing_python(host):
    module = FakeModule(params(host, python="/nonexistent/python"), outcome=(0, "", ""))
    with pytest.raises(Failed, match="python /nonexistent/python does not exist"):
        op.run_manage(module, "lms", ["help"])


def test_run_manage_refuses_unknown_service(host):
    with pytest.raises(Failed, match="service must be one of"):
        op.run_manage(FakeModule(params(host), outcome=(0, "", "")), "studio", [])


# ------------------------------------------------------------------ results

def _stdout(payload, before="log line\n", after="more log\n"):
    return "%s%s\n%s\n%s\n%s" % (before, RESULT_BEGIN, json.dumps(payload), RESULT_END, after)


def test_parse_result_between_sentinels():
    assert op.parse_result(_stdout([{"a": 1}])) == [{"a": 1}]
    assert op.parse_result("no sentinels here") is None
    assert op.parse_result(RESULT_BEGIN + "\nnot json\n" + RESULT_END) is None
    assert op.parse_result(RESULT_BEGIN + "\n[1]\n") is None


def test_run_platform_ops_sends_ops_on_stdin_not_argv(host):
    module = FakeModule(params(host), outcome=(0, _stdout([{"op": "x"}]), ""))
    ops = [{"op": "html_view_config", "wanted": {"configuration": {"default": {"secret": "s3cr3t"}}}}]
    assert op.run_platform_ops(module, "lms", ops) == [{"op": "x"}]
    call = module.calls[0]
    assert json.loads(call["data"]) == ops
    assert not any("s3cr3t" in item for item in call["argv"])
    assert call["argv"][-3:-1] == ["shell", "-c"]
    assert "_openedx_toolkit_main()" in call["argv"][-1]


def test_run_platform_ops_extra_sources_in_script(host):
    module = FakeModule(params(host), outcome=(0, _stdout([]), ""))
    op.run_platform_ops(module, "lms", [], extra_sources=["@register_op('zz')\ndef zz():\n    return {}\n"])
    assert "def zz():" in module.calls[0]["argv"][-1]


def test_run_platform_ops_failure_shows_stderr_tail_not_script(host):
    stderr = "\n".join("line %d" % i for i in range(100)) + "\nImproperlyConfigured: LMS_CFG"
    module = FakeModule(params(host, environment={"DB_PASSWORD": "hunter2"}), outcome=(1, "", stderr))
    with pytest.raises(Failed) as err:
        op.run_platform_ops(module, "lms", [{"op": "platform_info"}])
    result = err.value.args[0]
    assert result["rc"] == 1
    assert "ImproperlyConfigured: LMS_CFG" in result["msg"]
    assert "line 99" in result["msg"] and "line 10\n" not in result["msg"]
    text = json.dumps(result)
    assert "_openedx_toolkit_main" not in text and "register_op" not in text
    assert "hunter2" not in text
    assert "<runner script>" in result["cmd"] and "DB_PASSWORD=***" in result["cmd"]


def test_secrets_scrubbed_from_error_output(host):
    stderr = "OperationalError: access denied for password hunter2-long"
    module = FakeModule(params(host, environment={"DB_PASSWORD": "hunter2-long", "LMS_CFG": "/edx/etc/lms.yml"}),
                        outcome=(1, "", stderr))
    with pytest.raises(Failed) as err:
        op.run_platform_ops(module, "lms", [{"op": "platform_info"}])
    text = json.dumps(err.value.args[0])
    assert "hunter2-long" not in text
    assert "access denied for password" in text


def test_op_and_command_failures_are_masked(host):
    # Every module reports a failed op or command through these two, so a
    # secret of the environment never reaches the task result.
    module = FakeModule(params(host, environment={"DB_PASSWORD": "hunter2-long"}))
    op_fields = op.op_failure(module, {"op": "cert_report", "msg": "cannot connect with hunter2-long",
                                       "traceback": "Traceback\n  password=hunter2-long"})
    cmd_fields = op.command_failure(module, "gen_cert_report -c X failed (rc=1)", "auth hunter2-long refused")
    text = json.dumps([op_fields, cmd_fields])
    assert "hunter2-long" not in text
    assert op_fields["msg"].startswith("cert_report failed: cannot connect with")
    assert op_fields["traceback_lines"][0] == "Traceback"
    assert cmd_fields["msg"].startswith("gen_cert_report -c X failed (rc=1); last lines")
    assert cmd_fields["stderr_lines"] and "refused" in cmd_fields["stderr_lines"][0]


def test_run_platform_ops_missing_sentinel(host):
    module = FakeModule(params(host), outcome=(0, "Python 2.7 interactive shell\n>>> ", "warning"))
    with pytest.raises(Failed) as err:
        op.run_platform_ops(module, "lms", [{"op": "platform_info"}])
    assert "printed no result" in err.value.args[0]["msg"]
    assert err.value.args[0]["rc"] == 0


def test_first_failure():
    assert op.first_failure([{"a": 1}, {"failed": True, "msg": "x"}]) == {"failed": True, "msg": "x"}
    assert op.first_failure([{"a": 1}]) is None


# ------------------------------------------------------------------ for real

def test_run_platform_ops_real_process(make_platform):
    platform = make_platform()
    module = FakeModule(dict(platform_dir=str(platform), python=shutil.which("python") or
                             os.path.realpath(os.sys.executable), settings="test", user=ME))
    module.params["python"] = os.sys.executable
    results = op.run_platform_ops(module, "lms", [
        {"op": "platform_info"},
        {"op": "html_view_config", "apply": True, "wanted": {"enabled": True, "configuration": GOOD}},
    ])
    assert results[0]["settings_module"] == "lms.envs.test"
    assert results[1]["written"] is True
    assert len(db_rows(platform)) == 2
    assert len(module.calls) == 1


def test_run_platform_ops_real_process_failure(make_platform):
    platform = make_platform()
    module = FakeModule(dict(platform_dir=str(platform), python=os.sys.executable,
                             settings="missing", user=ME))
    with pytest.raises(Failed) as err:
        op.run_platform_ops(module, "lms", [{"op": "platform_info"}])
    assert err.value.args[0]["rc"] != 0
    assert "lms.envs.missing" in err.value.args[0]["msg"]
