"""
Which Open edX named release this sandbox platform emulates.

provision.sh rewrites RELEASE_LINE when it installs the platform into an image
(hawthorn, lilac, maple, redwood or verawood).  For tests, the environment variable
SANDBOX_RELEASE_LINE, when set and not empty, takes precedence over the value
written here.
"""
import os

RELEASE_LINE = "hawthorn"

KNOWN_RELEASES = ("hawthorn", "lilac", "maple", "redwood", "verawood")


def release_line():
    """The emulated release, honouring the SANDBOX_RELEASE_LINE override."""
    value = os.environ.get("SANDBOX_RELEASE_LINE") or RELEASE_LINE
    if value not in KNOWN_RELEASES:
        raise ValueError("Unknown sandbox release line %r" % value)
    return value


# What each release ships (see tests/sandbox/README.md).
RELEASE_COMMANDS_REMOVED = {
    "hawthorn": {"cert_generation", "regenerate_noidv_cert"},
    "lilac": {"gen_cert_report", "cert_generation", "regenerate_noidv_cert"},
    "maple": {"gen_cert_report", "ungenerated_certs", "regenerate_noidv_cert"},
    # Redwood (docs/research/release-redwood.md section 5): cert_generation
    # and regenerate_noidv_cert ship; the V1 commands are long gone. The
    # sandbox emulates regenerate_noidv_cert only as the 2026 copy has it
    # (Verawood), so Redwood answers "Unknown command" (tests/sandbox/README.md).
    "redwood": {"gen_cert_report", "ungenerated_certs", "regenerate_noidv_cert"},
    # Verawood (docs/research/release-ulmo-verawood.md 2.5, the 2026 listing
    # of lms/djangoapps/certificates/management/commands): cert_generation and
    # regenerate_noidv_cert; the V1 commands are gone.
    "verawood": {"gen_cert_report", "ungenerated_certs"},
}

RELEASE_SETTINGS = {
    "hawthorn": {"aws"},
    "lilac": {"production"},
    "maple": {"production"},
    "redwood": {"production"},
    "verawood": {"production"},
}

# The lines from Redwood on: CMS_CFG, the IDV feature flag and the generation
# policy are the same on each of them.
REDWOOD_ON = ("redwood", "verawood")


def is_legacy():
    return release_line() == "hawthorn"


def honours_audit_cutoff():
    """AUDIT_CERT_CUTOFF_DATE was removed in Maple."""
    return release_line() in ("hawthorn", "lilac")


def reads_cms_cfg():
    """Studio's CMS_CFG (with STUDIO_CFG as a deprecated fallback) came with
    edx-platform PR #29534 (January 2022, Nutmeg): Redwood has it, Lilac and
    Maple read STUDIO_CFG only. Verawood keeps it (research
    release-ulmo-verawood.md 1.3, cms/envs/production.py of 2026)."""
    return release_line() in REDWOOD_ON


def idv_requirement_is_a_feature():
    """FEATURES['ENABLE_CERTIFICATES_IDV_REQUIREMENT'] (off by default) came in
    April 2022 (MST-1458): from then on the certificate ID verification check
    of generation_handler.py applies only when it is on. Maple, before it,
    always required an approved ID verification outside the non-verified
    modes. Verawood: the same check (research release-ulmo-verawood.md 2.1,
    generation_handler.py `_id_verification_enforced_and_missing`), the flag
    now a flat setting that the check still reads through FEATURES."""
    return release_line() in REDWOOD_ON


def has_auto_generation_policy():
    """The waffle switch certificates.auto_certificate_generation and the
    signals it gates, and CertificateGenerationConfiguration (self-generated
    certificates), as the sandbox emulates them: Redwood only (see
    lms/djangoapps/certificates/signals.py for why not Maple). Verawood:
    unchanged (research release-ulmo-verawood.md 2.2, config.py and
    signals.py of 2026)."""
    return release_line() in REDWOOD_ON


def has_flat_features():
    """FEATURES flattened into module-level settings, FEATURES itself a
    write-through FeaturesProxy over the settings module's globals
    (openedx/core/lib/features_setting_proxy.py, PR #37067, September 2025:
    Ulmo on). Verawood only here; every other line keeps a plain dict."""
    return release_line() == "verawood"



def validates_course_mode_on_save():
    """CourseMode.save() runs clean() (no professional mode with an
    expiration date, no price under COURSE_ENROLLMENT_MODES' min_price) and
    lower-cases the currency: read in the 2026 course_modes/models.py
    (openedx/openedx-platform@6913dfd7). Verawood only: the older lines'
    save() was not read."""
    return release_line() == "verawood"
