"""Options, errors and exit codes of the certificate commands, per release."""
import difflib
import json
import re

import pytest

from conftest import BENCH, DEMO, EXPECTATIONS, HTML_ON, TOY, parse_report

PRESENT = {
    "hawthorn": {"ungenerated_certs", "gen_cert_report"},
    "lilac": {"ungenerated_certs"},
    "maple": {"cert_generation"},
    "redwood": {"cert_generation"},
    "verawood": {"cert_generation", "regenerate_noidv_cert"},
}
ALL = {"ungenerated_certs", "gen_cert_report", "cert_generation", "regenerate_noidv_cert"}


@pytest.mark.parametrize("release", ["hawthorn", "lilac", "maple", "redwood", "verawood"])
def test_commands_per_release(make_host, release):
    host = make_host(release)
    listing = host.manage("lms", "help", "--commands").stdout.split()
    for command in sorted(ALL):
        proc = host.manage("lms", command, "--help")
        if command in PRESENT[release]:
            assert proc.returncode == 0, proc.stderr
            assert "--course" in proc.stdout or "--course-key" in proc.stdout
        else:
            assert proc.returncode == 1
            # Django's own suggestion: the first of difflib's close matches
            # among the commands the release has (django.core.management
            # ManagementUtility.fetch_command).
            close = difflib.get_close_matches(command, listing)
            hint = ". Did you mean %s?" % close[0] if close else ""
            assert proc.stderr == "Unknown command: '%s'%s\nType 'manage.py help' for usage.\n" % (command, hint)
    # an unknown command in general answers the same way
    proc = host.manage("lms", "no_such_command")
    assert proc.stderr == "Unknown command: 'no_such_command'\nType 'manage.py help' for usage.\n"
    # and `help` lists only what the release has
    assert ALL & set(listing) == PRESENT[release]
    assert "populate_model" in listing and "load_demo_data" in listing


@pytest.mark.parametrize("command", ["ungenerated_certs", "gen_cert_report"])
def test_course_required(make_host, command):
    host = make_host("hawthorn")
    proc = host.manage("lms", command)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "CommandError: You must specify a course"


@pytest.mark.parametrize("command", ["ungenerated_certs", "gen_cert_report"])
def test_malformed_course_id(make_host, command):
    host = make_host("hawthorn")
    proc = host.manage("lms", command, "-c", "/edX/toy/2012_Fall/")
    assert proc.returncode == 1
    assert "opaque_keys.InvalidKeyError" in proc.stderr


def test_unknown_course_is_not_an_error(make_host):
    host = make_host("hawthorn", features=HTML_ON)
    before = host.sql("SELECT COUNT(*) FROM certificates_generatedcertificate")
    proc = host.manage("lms", "ungenerated_certs", "-c", "course-v1:edX+Nope+2020")
    assert (proc.returncode, proc.stdout) == (0, "")
    assert host.sql("SELECT COUNT(*) FROM certificates_generatedcertificate") == before
    proc = host.manage("lms", "gen_cert_report", "-c", "course-v1:edX+Nope+2020")
    assert proc.returncode == 0
    assert set(parse_report(proc.stdout).values()) == {0}


def test_noop_changes_nothing(make_host):
    host = make_host("hawthorn", features=HTML_ON)
    proc = host.manage("lms", "ungenerated_certs", "-c", DEMO, "--noop", "--insecure")
    assert (proc.returncode, proc.stdout) == (0, "")
    assert host.sql("SELECT COUNT(*) FROM certificates_generatedcertificate WHERE course_id=?", (DEMO,)) == [(0,)]


def test_progress_lines_only_on_stdout(make_host):
    host = make_host("hawthorn", features=HTML_ON)
    proc = host.manage("lms", "ungenerated_certs", "-c", BENCH)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == EXPECTATIONS["courses"][BENCH]["ungenerated_certs_progress_lines"]
    for n, line in enumerate(lines, 1):
        assert re.fullmatch(r"%d/3000 completed ~\d\d:\d\dm remaining" % (500 * n), line), line


def test_force_gen_and_rerun_skips(make_host):
    host = make_host("hawthorn", features=HTML_ON)
    host.manage("lms", "ungenerated_certs", "-c", TOY, check=True)
    first = host.sql("SELECT user_id, status, verify_uuid FROM certificates_generatedcertificate WHERE course_id=?"
                     " ORDER BY user_id", (TOY,))
    host.manage("lms", "ungenerated_certs", "-c", TOY, check=True)
    assert host.sql("SELECT user_id, status, verify_uuid FROM certificates_generatedcertificate WHERE course_id=?"
                    " ORDER BY user_id", (TOY,)) == first
    statuses = dict(host.sql("SELECT status, COUNT(*) FROM certificates_generatedcertificate WHERE course_id=? "
                             "GROUP BY status", (TOY,)))
    assert statuses == {"downloadable": 5, "notpassing": 4, "error": 1}
    host.manage("lms", "ungenerated_certs", "-c", TOY, "-f", "error", check=True)
    statuses = dict(host.sql("SELECT status, COUNT(*) FROM certificates_generatedcertificate WHERE course_id=? "
                             "GROUP BY status", (TOY,)))
    assert statuses == EXPECTATIONS["courses"][TOY]["after_ungenerated_certs_force_error"]


def test_cert_generation_options(make_host):
    """As Maple's cert_generation: -u and -c are not argparse-required; CommandErrors exit 1; nothing on stdout."""
    host = make_host("maple", features=HTML_ON)
    proc = host.manage("lms", "cert_generation", "-c", DEMO)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr.strip() == "CommandError: You must specify a list of users"
    proc = host.manage("lms", "cert_generation", "-u", "13")
    assert (proc.returncode, proc.stderr.strip()) == (1, "CommandError: You must specify a course-key")
    proc = host.manage("lms", "cert_generation", "-u", "13", "-c", "not a key")
    assert proc.returncode == 1
    assert proc.stderr.strip() == "CommandError: You must specify a valid course-key"
    proc = host.manage("lms", "cert_generation", "-u", "-c", DEMO)
    assert proc.returncode == 2 and "-u/--user: expected at least one argument" in proc.stderr
    # an unknown user id is only a warning in the log; the others are still generated
    proc = host.manage("lms", "cert_generation", "-u", "999999", "19", "-c", DEMO)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    assert "User 999999 could not be found" in proc.stderr
    assert host.sql("SELECT COUNT(*) FROM sandbox_sandboxtask") == [(1,)]
    # a user id that is not a number is not caught (ValueError from the ORM), as on the platform
    proc = host.manage("lms", "cert_generation", "-u", "abc", "-c", DEMO)
    assert proc.returncode == 1 and "ValueError" in proc.stderr
    help_text = host.manage("lms", "cert_generation", "--help").stdout
    assert "--args-from-database" in help_text and "-u USER [USER ...], --user USER [USER ...]" in help_text


def test_cert_generation_args_from_database(make_host):
    host = make_host("maple", features=HTML_ON)
    host.manage("lms", "migrate", "--noinput", check=True)
    proc = host.manage("lms", "cert_generation", "--args-from-database")
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("CommandError: CertificateGenerationCommandConfiguration is disabled, but "
                                   "--args-from-database was requested")
    host.script("from lms.djangoapps.certificates.models import CertificateGenerationCommandConfiguration as C\n"
                "C.objects.create(enabled=True, arguments='-u 19 25 -c %s')\nresult = None\n" % DEMO)
    # the database's arguments replace the command line's
    proc = host.manage("lms", "cert_generation", "--args-from-database", "-u", "13", "-c", TOY)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    kwargs = [json.loads(k) for (k,) in host.sql("SELECT kwargs FROM sandbox_sandboxtask ORDER BY id")]
    assert [(k["student"], k["course_key"]) for k in kwargs] == [("19", DEMO), ("25", DEMO)]
