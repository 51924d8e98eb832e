"""
Which Open edX named release this sandbox platform emulates.

provision.sh rewrites RELEASE_LINE when it installs the platform into an image
(hawthorn, lilac or maple).  For tests, the environment variable
SANDBOX_RELEASE_LINE, when set and not empty, takes precedence over the value
written here.
"""
import os

RELEASE_LINE = "hawthorn"

KNOWN_RELEASES = ("hawthorn", "lilac", "maple")


def release_line():
    """The emulated release, honouring the SANDBOX_RELEASE_LINE override."""
    value = os.environ.get("SANDBOX_RELEASE_LINE") or RELEASE_LINE
    if value not in KNOWN_RELEASES:
        raise ValueError("Unknown sandbox release line %r" % value)
    return value


# What each release ships (see tests/sandbox/README.md).
RELEASE_COMMANDS_REMOVED = {
    "hawthorn": {"cert_generation"},
    "lilac": {"gen_cert_report", "cert_generation"},
    "maple": {"gen_cert_report", "ungenerated_certs"},
}

RELEASE_SETTINGS = {
    "hawthorn": {"aws"},
    "lilac": {"production"},
    "maple": {"production"},
}


def is_legacy():
    return release_line() == "hawthorn"


def honours_audit_cutoff():
    """AUDIT_CERT_CUTOFF_DATE was removed in Maple."""
    return release_line() in ("hawthorn", "lilac")
