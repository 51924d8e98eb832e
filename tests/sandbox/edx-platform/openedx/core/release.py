"""
Which Open edX named release this sandbox platform emulates.

provision.sh rewrites RELEASE_LINE when it installs the platform into an image
(hawthorn, lilac, maple or redwood).  For tests, the environment variable
SANDBOX_RELEASE_LINE, when set and not empty, takes precedence over the value
written here.
"""
import os

RELEASE_LINE = "hawthorn"

KNOWN_RELEASES = ("hawthorn", "lilac", "maple", "redwood")


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
    # Redwood (docs/research/release-redwood.md section 5): cert_generation
    # and regenerate_noidv_cert ship; the V1 commands are long gone. The
    # sandbox has no regenerate_noidv_cert at all (see tests/sandbox/README.md),
    # so there is nothing more to remove.
    "redwood": {"gen_cert_report", "ungenerated_certs"},
}

RELEASE_SETTINGS = {
    "hawthorn": {"aws"},
    "lilac": {"production"},
    "maple": {"production"},
    "redwood": {"production"},
}


def is_legacy():
    return release_line() == "hawthorn"


def honours_audit_cutoff():
    """AUDIT_CERT_CUTOFF_DATE was removed in Maple."""
    return release_line() in ("hawthorn", "lilac")


def reads_cms_cfg():
    """Studio's CMS_CFG (with STUDIO_CFG as a deprecated fallback) came with
    edx-platform PR #29534 (January 2022, Nutmeg): Redwood has it, Lilac and
    Maple read STUDIO_CFG only."""
    return release_line() == "redwood"


def idv_requirement_is_a_feature():
    """FEATURES['ENABLE_CERTIFICATES_IDV_REQUIREMENT'] (off by default) came in
    April 2022 (MST-1458): from then on the certificate ID verification check
    of generation_handler.py applies only when it is on. Maple, before it,
    always required an approved ID verification outside the non-verified
    modes."""
    return release_line() == "redwood"


def has_auto_generation_policy():
    """The waffle switch certificates.auto_certificate_generation and the
    signals it gates, and CertificateGenerationConfiguration (self-generated
    certificates), as the sandbox emulates them: Redwood only (see
    lms/djangoapps/certificates/signals.py for why not Maple)."""
    return release_line() == "redwood"
