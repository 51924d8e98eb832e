"""Certificate theme: the pure plan (module_utils/openedx_theme.py) and the
module (library/openedx_certificate_theme.py) on a throwaway platform tree,
compiling with this interpreter's real Mako."""
import json
import os
import pwd
import grp
import sys
import tarfile

import pytest

from ansible.module_utils.openedx_theme import ThemeError, escaping_problems, plan_deploy, theme_targets

A, B, C = "a" * 64, "b" * 64, "c" * 64
PAGE = '<%page expression_filter="h"/>\n'
T = "lms/templates/certificates/"
S = "lms/static/certificates/"


def test_targets_map_templates_and_static_and_skip_hidden_and_top_level():
    got = theme_targets(["templates/valid.html", "static/images/logo.png", "static/css/x.css",
                         "templates/.swp", "static/fonts/.keep", "README.md", "html_view.yml"])
    assert got == {"templates/valid.html": T + "valid.html", "static/images/logo.png": S + "images/logo.png",
                   "static/css/x.css": S + "css/x.css"}


def test_targets_refuse_other_folders_naming_them():
    with pytest.raises(ThemeError) as err:
        theme_targets(["templates/valid.html", "js/app.js", "../etc/passwd"])
    assert "js/app.js" in str(err.value) and "../etc/passwd" in str(err.value)
    assert "templates/" in str(err.value) and "static/" in str(err.value)


def test_plan_create_replace_update_and_nothing():
    sources = {T + "new.html": A, T + "valid.html": A, T + "ours.html": B, T + "same.html": C}
    current = {T + "new.html": None, T + "valid.html": B, T + "ours.html": A, T + "same.html": C}
    manifest = {T + "ours.html": {"sha256": A, "backup": False}, T + "same.html": {"sha256": C, "backup": True}}
    assert dict((d, a) for a, d in plan_deploy(sources, current, manifest)) == {
        T + "new.html": "create", T + "valid.html": "replace", T + "ours.html": "update"}


def test_plan_gives_back_what_left_the_theme():
    manifest = {T + "restored.html": {"sha256": A, "backup": True},
                T + "removed.png": {"sha256": A, "backup": False},
                T + "edited.html": {"sha256": A, "backup": True},
                T + "gone.html": {"sha256": A, "backup": False}}
    current = {T + "restored.html": A, T + "removed.png": A, T + "edited.html": B, T + "gone.html": None}
    assert dict((d, a) for a, d in plan_deploy({}, current, manifest)) == {
        T + "restored.html": "restore", T + "removed.png": "remove",
        T + "edited.html": "keep_modified", T + "gone.html": "forget"}


def test_plan_adopts_an_identical_platform_file():
    assert plan_deploy({T + "x.html": A}, {T + "x.html": A}, {}) == [("adopt", T + "x.html")]


# ------------------------------------------------------------ the module

@pytest.fixture
def tree(tmp_path):
    platform = tmp_path / "edx-platform"
    (platform / "lms/templates/certificates").mkdir(parents=True)
    (platform / "lms/static/certificates/css").mkdir(parents=True)
    (platform / "manage.py").write_text("")
    (platform / "lms/templates/certificates/valid.html").write_text("<p>${platform_name}</p>\n")
    (platform / "lms/static/certificates/css/certificates.css").write_text("body {}\n")
    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static/images").mkdir(parents=True)
    (theme / "templates/valid.html").write_text(PAGE + "<h1>${certificate_title}</h1>\n% if x:\nyes\n% endif\n")
    (theme / "static/images/logo.png").write_bytes(b"\x89PNG fake")
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    args = {"src": str(theme), "platform_dir": str(platform), "python": sys.executable,
            "manifest": str(tmp_path / "state/manifest.json"), "backup_dir": str(tmp_path / "state/backup"),
            "owner": user, "group": group}
    return platform, theme, args


def test_module_deploys_backs_up_and_is_idempotent(ansible_module, tree):
    platform, theme, args = tree
    check = ansible_module("openedx_certificate_theme", args, check_mode=True, diff=True)
    assert check["changed"] and "replace lms/templates/certificates/valid.html" in check["diff"]["after"]
    assert (platform / "lms/templates/certificates/valid.html").read_text() == "<p>${platform_name}</p>\n"

    first = ansible_module("openedx_certificate_theme", args)
    assert not first.get("failed"), first
    assert first["changed"] and first["files"] == {T + "valid.html": "replace", S + "images/logo.png": "create"}
    assert (platform / "lms/templates/certificates/valid.html").read_text() == (theme / "templates/valid.html").read_text()
    assert oct(os.stat(str(platform / "lms/static/certificates/images/logo.png")).st_mode & 0o777) == "0o640"
    backup = first["backups"][T + "valid.html"]
    assert open(backup).read() == "<p>${platform_name}</p>\n"
    manifest = json.load(open(args["manifest"]))["files"]
    assert manifest[T + "valid.html"]["backup"] is True and manifest[S + "images/logo.png"]["backup"] is False

    again = ansible_module("openedx_certificate_theme", args)
    assert not again["changed"], again

    # the logo leaves the theme: removed; the template stays
    os.remove(str(theme / "static/images/logo.png"))
    third = ansible_module("openedx_certificate_theme", args)
    assert third["files"] == {S + "images/logo.png": "remove"}
    assert not (platform / "lms/static/certificates/images/logo.png").exists()

    gone = ansible_module("openedx_certificate_theme", dict(args, state="absent", src=None))
    assert gone["changed"] and gone["files"] == {T + "valid.html": "restore"}
    assert (platform / "lms/templates/certificates/valid.html").read_text() == "<p>${platform_name}</p>\n"
    assert not os.path.exists(args["manifest"]) and not os.path.exists(backup)
    assert (platform / "lms/static/certificates/css/certificates.css").read_text() == "body {}\n"


def test_module_refuses_all_when_one_template_does_not_compile(ansible_module, tree):
    platform, theme, args = tree
    (theme / "templates/_footer.html").write_text(PAGE + "ok\n\n<p>${ 1 + }</p>\n")
    (theme / "templates/_header.html").write_text(PAGE + "% for a in b:\n${a}\n")
    result = ansible_module("openedx_certificate_theme", args)
    assert result["failed"]
    errors = dict((e["file"], e["line"]) for e in result["errors"])
    assert errors == {"templates/_footer.html": 4, "templates/_header.html": 2}, result["errors"]
    assert "templates/_footer.html line 4" in result["msg"] and "nothing was deployed" in result["msg"]
    assert (platform / "lms/templates/certificates/valid.html").read_text() == "<p>${platform_name}</p>\n"
    assert not (platform / "lms/static/certificates/images").exists()
    assert not os.path.exists(args["manifest"])


def test_module_takes_a_tar_archive(ansible_module, tree, tmp_path):
    platform, theme, args = tree
    archive = tmp_path / "theme.tar"
    with tarfile.open(str(archive), "w") as tar:
        tar.add(str(theme), arcname=".")
    result = ansible_module("openedx_certificate_theme", dict(args, src=str(archive)))
    assert not result.get("failed"), result
    assert (platform / "lms/static/certificates/images/logo.png").read_bytes() == b"\x89PNG fake"


def test_module_leaves_files_it_did_not_put_there(ansible_module, tree):
    platform, theme, args = tree
    ansible_module("openedx_certificate_theme", args)
    (platform / "lms/static/certificates/images/mine.png").write_bytes(b"operator's")
    os.remove(str(theme / "static/images/logo.png"))
    ansible_module("openedx_certificate_theme", args)
    ansible_module("openedx_certificate_theme", dict(args, state="absent", src=None))
    assert (platform / "lms/static/certificates/images/mine.png").read_bytes() == b"operator's"


def test_module_bad_owner_names_the_option(ansible_module, tree):
    platform, theme, args = tree
    result = ansible_module("openedx_certificate_theme", dict(args, owner="no-such-user-xyz"))
    assert result["failed"] and result["msg"].startswith("owner: no user 'no-such-user-xyz'")


# ------------------------------------------------------------ escaping (issue 10)

@pytest.mark.parametrize("text,lines", [
    (PAGE + "<p>${x}</p>", []),
    ("<%page args='a' expression_filter='h, decode.utf8'/>\n${x}", []),
    ("<p>${x}</p>", [1]),
    ('## <%page expression_filter="h"/> only in a comment\n<p>${x}</p>', [1]),
    ('<%page expression_filter="decode.utf8"/>\n${x}', [1]),
    (PAGE + '<a href="${logo_url | n}">\n${name|n, decode.utf8}', [2, 3]),
    (PAGE + "${x | h}\n${y | u}\n${ {'n': 1}['n'] }", []),
])
def test_escaping_problems(text, lines):
    assert [line for line, _ in escaping_problems(text)] == lines


def test_module_refuses_a_template_that_would_write_values_raw(ansible_module, tree, monkeypatch):
    platform, theme, args = tree
    (theme / "templates/_accomplishment-header.html").write_text('<a href="${logo_url}">${platform_name}</a>\n')
    (theme / "templates/_footer.html").write_text(PAGE + "<p>${company_tos_url | n}</p>\n")
    result = ansible_module("openedx_certificate_theme", args)
    assert result["failed"]
    assert {(e["file"], e["line"]) for e in result["errors"]} == {
        ("templates/_accomplishment-header.html", 1), ("templates/_footer.html", 2)}
    assert "unescaped, nothing was deployed" in result["msg"] and 'expression_filter="h"' in result["msg"]
    assert (platform / "lms/templates/certificates/valid.html").read_text() == "<p>${platform_name}</p>\n"
    assert not os.path.exists(args["manifest"])

    # The operator's explicit opt-out deploys them, with a warning each.
    # (Ansible de-duplicates warnings per process, so they are caught at the call.)
    from ansible.module_utils.basic import AnsibleModule
    warned = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, text: warned.append(text))
    allowed = ansible_module("openedx_certificate_theme", dict(args, allow_unescaped=True))
    assert not allowed.get("failed"), allowed
    assert len(warned) == 2 and all("allow_unescaped is true" in w for w in warned), warned
    assert (platform / "lms/templates/certificates/_footer.html").exists()


def test_adopting_and_forgetting_files_is_a_change(ansible_module, tree):
    """The manifest (and a backup) is written for a file the platform already
    has: a change, in check mode too; the next run is none (issue 12)."""
    platform, theme, args = tree
    (theme / "templates/valid.html").write_text(PAGE + "<p>${platform_name}</p>\n")
    (platform / "lms/templates/certificates/valid.html").write_text(PAGE + "<p>${platform_name}</p>\n")
    os.remove(str(theme / "static/images/logo.png"))
    check = ansible_module("openedx_certificate_theme", args, check_mode=True, diff=True)
    assert check["changed"] is True and check["files"] == {T + "valid.html": "adopt"}
    assert "adopt " + T + "valid.html" in check["diff"]["after"]
    assert not os.path.exists(args["manifest"])
    first = ansible_module("openedx_certificate_theme", args)
    assert first["changed"] is True and os.path.exists(args["manifest"])
    assert ansible_module("openedx_certificate_theme", args)["changed"] is False
    # A file the theme created is removed behind the toolkit's back, then
    # leaves the theme: forgotten (only the manifest changes).
    (theme / "static/images/logo.png").write_bytes(b"\x89PNG fake")
    assert ansible_module("openedx_certificate_theme", args)["files"][S + "images/logo.png"] == "create"
    os.remove(str(platform / "lms/static/certificates/images/logo.png"))
    os.remove(str(theme / "static/images/logo.png"))
    forget = ansible_module("openedx_certificate_theme", args, check_mode=True)
    assert forget["files"] == {S + "images/logo.png": "forget"} and forget["changed"] is True
    assert ansible_module("openedx_certificate_theme", args)["changed"] is True
    assert ansible_module("openedx_certificate_theme", args)["changed"] is False
