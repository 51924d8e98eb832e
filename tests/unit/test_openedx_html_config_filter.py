"""The configuration schema, its small checker, jsonschema, and the filters."""

import copy

import jsonschema
import pytest
from ansible.errors import AnsibleFilterError

from ansible.module_utils.openedx_html_config import (
    KNOWN_MODES,
    REQUIRED_DEFAULT_KEYS,
    build_schema,
    format_problems,
    validate_configuration,
)
from openedx_html_config import FilterModule

FILTERS = FilterModule().filters()
validate = FILTERS["openedx_html_config_validate"]
build = FILTERS["openedx_html_config_build"]


def check_configuration(config):
    """None when valid, else the message openedx_html_view_config fails with."""
    problems = validate_configuration(config)
    return format_problems(problems) if problems else None

GOOD = {
    "default": {
        "accomplishment_class_append": "accomplishment-certificate",
        "platform_name": "Example Academy",
        "company_about_url": "https://academy.example.com/about",
        "company_privacy_url": "https://academy.example.com/privacy",
        "company_tos_url": "https://academy.example.com/tos",
        "company_verified_certificate_url": "http://academy.example.com/verified",
        "logo_src": "/static/certificates/images/logo.png",
        "logo_url": "https://academy.example.com",
        "certificate_verify_url_prefix": "https://verify.example.com/cert/",
    },
    "honor": {"certificate_type": "Honor Code", "certificate_title": "Certificate of Achievement"},
    "verified": {"certificate_type": "Verified", "certificate_title": "Verified Certificate",
                 "document_body_class_append": "is-idverified"},
    "no-id-professional": {"certificate_type": "Professional", "certificate_title": "Pro"},
}


def changed(edit):
    config = copy.deepcopy(GOOD)
    edit(config)
    return config


def _del(section, key):
    return lambda c: c[section].pop(key)


def _set(section, key, value):
    return lambda c: c[section].__setitem__(key, value)


# (edit, field path that the message must name, words of the fix)
BAD = [(_del("default", key), "configuration.default.%s" % key, "required") for key in REQUIRED_DEFAULT_KEYS] + [
    (lambda c: c.pop("default"), "configuration.default", "required"),
    (_set("default", "company_tos_url", "www.example.com/tos"), "configuration.default.company_tos_url", "absolute http(s) URL"),
    (_set("default", "company_about_url", "/about"), "configuration.default.company_about_url", "absolute http(s) URL"),
    (_set("default", "company_privacy_url", "ftp://example.com/p"), "configuration.default.company_privacy_url", "absolute http(s) URL"),
    (_set("default", "company_verified_certificate_url", "https://"), "configuration.default.company_verified_certificate_url", "absolute http(s) URL"),
    (_set("default", "logo_url", "https://exa mple.com"), "configuration.default.logo_url", "absolute http(s) URL"),
    (_set("default", "logo_src", "images/logo.png"), "configuration.default.logo_src", 'starting with "/"'),
    (_set("default", "platform_name", ""), "configuration.default.platform_name", "must not be empty"),
    (_set("default", "platform_name", 7), "configuration.default.platform_name", "must be a string"),
    (_set("default", "accomplishment_class_append", ["x"]), "configuration.default.accomplishment_class_append", "must be a string"),
    (lambda c: c.__setitem__("xseries", {"certificate_type": "X", "certificate_title": "X"}), "configuration.xseries", "allowed_extra_modes"),
    (lambda c: c.__setitem__("Verified", {"certificate_type": "X", "certificate_title": "X"}), "configuration.Verified", "not a known course mode"),
    (_del("honor", "certificate_title"), "configuration.honor.certificate_title", "required"),
    (_del("verified", "certificate_type"), "configuration.verified.certificate_type", "required"),
    (_set("honor", "certificate_type", None), "configuration.honor.certificate_type", "must be a string"),
    (lambda c: c.__setitem__("audit", "Audit"), "configuration.audit", "must be an object"),
    (lambda c: c.__setitem__("default", []), "configuration.default", "must be an object"),
]


def test_good_configuration_passes():
    assert validate_configuration(GOOD) == []
    assert check_configuration(GOOD) is None
    assert validate(GOOD) is GOOD


def test_schema_is_valid_json_schema():
    schema = build_schema(["xseries"])
    jsonschema.validators.validator_for(schema).check_schema(schema)
    jsonschema.validate(GOOD, schema)


@pytest.mark.parametrize("edit,field,fix", BAD, ids=[b[1] + ":" + b[2] for b in BAD])
def test_bad_configuration_names_the_field(edit, field, fix):
    config = changed(edit)
    message = check_configuration(config)
    assert message is not None
    assert field + ":" in message
    assert fix in message
    with pytest.raises(AnsibleFilterError) as err:
        validate(config)
    assert field + ":" in str(err.value)


@pytest.mark.parametrize("edit,field,fix", BAD, ids=[b[1] for b in BAD])
def test_checker_and_jsonschema_agree(edit, field, fix):
    """Both find the same wrong objects (jsonschema reports a missing key on its parent)."""
    config = changed(edit)
    schema = build_schema()
    ours = {path for path, _ in validate_configuration(config)}
    theirs = set()
    for error in jsonschema.Draft202012Validator(schema).iter_errors(config):
        path = ".".join(["configuration"] + [str(p) for p in error.absolute_path])
        if error.validator == "required":
            path += "." + error.message.split("'")[1]
        elif error.validator == "additionalProperties":
            path += "." + error.message.split("'")[1]
        theirs.add(path)
    assert ours == theirs


def test_known_modes_cover_the_course_modes():
    for mode in ("audit", "honor", "verified", "professional", "no-id-professional",
                 "masters", "executive-education", "credit", "base", "distinguished"):
        assert mode in KNOWN_MODES
        config = changed(lambda c: c.__setitem__(mode, {"certificate_type": "T", "certificate_title": "T"}))
        assert validate_configuration(config) == []


def test_allowed_extra_modes():
    config = changed(lambda c: c.__setitem__("xseries", {"certificate_type": "X", "certificate_title": "X"}))
    assert validate(config, allowed_extra_modes=["xseries"]) is config
    assert validate_configuration(config, ["xseries"]) == []
    # An extra mode still needs its keys.
    config["xseries"].pop("certificate_title")
    with pytest.raises(AnsibleFilterError, match=r"configuration\.xseries\.certificate_title"):
        validate(config, allowed_extra_modes=["xseries"])


def test_all_problems_reported_at_once():
    config = changed(lambda c: (c["default"].pop("company_tos_url"), c["default"].pop("logo_url")))
    message = check_configuration(config)
    assert "2 problems" in message
    assert "configuration.default.company_tos_url" in message and "configuration.default.logo_url" in message


def test_validate_refuses_non_mapping():
    with pytest.raises(AnsibleFilterError, match="must be a mapping"):
        validate("{}")


def test_build_then_validate():
    default = {key: value for key, value in GOOD["default"].items()
               if key in REQUIRED_DEFAULT_KEYS}
    config = build(default, modes={"honor": GOOD["honor"], "verified": GOOD["verified"]},
                   extra={"accomplishment_class_append": "accomplishment-certificate",
                          "certificate_verify_url_prefix": None})
    assert config["default"]["accomplishment_class_append"] == "accomplishment-certificate"
    assert "certificate_verify_url_prefix" not in config["default"]
    assert config["honor"] == GOOD["honor"]
    assert validate(config) is config


def test_build_refuses_bad_modes():
    with pytest.raises(AnsibleFilterError, match=r"modes\.honor"):
        build({"platform_name": "x"}, modes={"honor": "Honor"})


# Hostile values (issue 10): each is refused, naming the field, the value
# (shortened) and the rule. (edit, field, words of the rule)
HUGE = "A" * 1_000_000
HOSTILE = [
    (_set("default", "platform_name", "<script>alert(1)</script>"), "configuration.default.platform_name", "markup character '<'"),
    (_set("default", "platform_name", '<img src=x onerror="alert(1)">'), "configuration.default.platform_name", "markup character '<'"),
    (_set("default", "platform_name", "Academy\" onmouseover=\"alert(1)"), "configuration.default.platform_name", "markup character '\"'"),
    (_set("default", "platform_name", "O'Brien Academy"), "configuration.default.platform_name", "\u2019"),
    (_set("default", "platform_name", HUGE), "configuration.default.platform_name", "the limit is 200"),
    (_set("default", "platform_name", "Bell\x07"), "configuration.default.platform_name", "control character"),
    (_set("default", "platform_name", "Academy\u202eevil"), "configuration.default.platform_name", "U+202E"),
    (_set("default", "platform_name", "Line\u2028two"), "configuration.default.platform_name", "U+2028"),
    (_set("honor", "certificate_title", "Title`"), "configuration.honor.certificate_title", "markup character '`'"),
    (_set("verified", "certificate_type", "T" * 201), "configuration.verified.certificate_type", "the limit is 200"),
    (_set("default", "company_tos_url", 'https://example.org/"onmouseover="alert(1)'), "configuration.default.company_tos_url", "contains '\"'"),
    (_set("default", "company_about_url", "https://example.org/<script>"), "configuration.default.company_about_url", "contains '<'"),
    (_set("default", "logo_url", "javascript:alert(1)"), "configuration.default.logo_url", "absolute http(s) URL"),
    (_set("default", "logo_url", "https://example.org/a\\b"), "configuration.default.logo_url", "contains '\\\\'"),
    (_set("default", "company_privacy_url", "https://example.org/" + "p" * 2000), "configuration.default.company_privacy_url", "the limit is 2000"),
    (_set("default", "company_about_url", "https://ops:hunter2@example.org/about"), "configuration.default.company_about_url", "user name or password"),
    (_set("default", "logo_src", "//evil.example.com/logo.png"), "configuration.default.logo_src", 'starting with "/"'),
    (_set("default", "logo_src", '/static/logo.png" onerror="alert(1)'), "configuration.default.logo_src", "contains '\"'"),
    (_set("default", "logo_src", "/static/logo.png\n"), "configuration.default.logo_src", "control character"),
    (_set("default", "certificate_verify_url_prefix", "javascript:alert(1)//"), "configuration.default.certificate_verify_url_prefix", 'starting with "/"'),
    (_set("default", "certificate_verify_url_suffix", '"><script>'), "configuration.default.certificate_verify_url_suffix", "contains '\"'"),
    (_set("default", "accomplishment_class_append", 'x" onmouseover="alert(1)'), "configuration.default.accomplishment_class_append", "CSS class names"),
    (_set("verified", "document_body_class_append", "is-x<script>"), "configuration.verified.document_body_class_append", "CSS class names"),
    (_set("default", "footer_note", "<b>bold</b>"), "configuration.default.footer_note", "markup character '<'"),
    (_set("default", "footer_links", ["https://example.org"]), "configuration.default.footer_links", "must be a text, a number, true/false, null"),
    (_set("honor", "logo_src", "javascript:alert(1)"), "configuration.honor.logo_src", 'starting with "/"'),
    (_set("honor", "company_contact_url", "data:text/html,<script>"), "configuration.honor.company_contact_url", "contains '<'"),
]


@pytest.mark.parametrize("edit,field,rule", HOSTILE, ids=[h[1] + ":" + h[2] for h in HOSTILE])
def test_hostile_value_refused_naming_field_value_and_rule(edit, field, rule):
    config = changed(edit)
    problems = dict(validate_configuration(config))
    assert list(problems) == [field], problems
    assert rule in problems[field]
    # The value is shown, shortened: never a megabyte of it, never a password.
    assert len(problems[field]) < 600
    assert "hunter2" not in problems[field]
    with pytest.raises(AnsibleFilterError) as err:
        validate(config)
    assert field + ":" in str(err.value) and rule in str(err.value)


@pytest.mark.parametrize("edit,field,rule", HOSTILE, ids=[h[1] for h in HOSTILE])
def test_hostile_checker_and_jsonschema_agree(edit, field, rule):
    config = changed(edit)
    theirs = {".".join(["configuration"] + [str(p) for p in error.absolute_path])
              for error in jsonschema.Draft202012Validator(build_schema()).iter_errors(config)}
    assert theirs == {field}


def test_huge_value_is_shown_shortened():
    config = changed(_set("default", "platform_name", HUGE))
    message = check_configuration(config)
    assert "'" + "A" * 60 + "... (1000000 characters)'" in message


# Values an operator legitimately writes must still pass.
FRIENDLY = [
    _set("default", "platform_name", "AT&T Académie \u2014 \u0627\u0644\u0623\u0643\u0627\u062f\u064a\u0645\u064a\u0629"),
    _set("default", "platform_name", "O\u2019Brien Academy"),
    _set("default", "platform_name", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),  # Persian with ZWNJ
    _set("default", "company_tos_url", "https://example.org:8443/legal/tos?lang=fr&v=2#top"),
    _set("default", "logo_src", "https://cdn.example.org/logo.png"),
    _set("default", "logo_url", "https://example.org/a@b"),
    _set("default", "accomplishment_class_append", "accomplishment-certificate is_wide"),
    _set("default", "certificate_verify_url_prefix", "/verify/"),
    _set("default", "certificate_verify_url_suffix", ".html"),
    _set("default", "show_share", True),
    _set("default", "footer_year", 2026),
    _set("verified", "document_body_class_append", ""),
    _set("honor", "logo_src", "/static/certificates/images/logo-honor.png"),
]


@pytest.mark.parametrize("edit", FRIENDLY)
def test_friendly_values_pass(edit):
    config = changed(edit)
    assert validate_configuration(config) == []
    jsonschema.validate(config, build_schema())


@pytest.mark.parametrize("edit,variable", [
    (_set("default", "platform_name", "<b>"), "openedx_certificates_platform_name"),
    (_set("default", "footer_note", "<b>"), "openedx_certificates_html_view_extra.footer_note"),
    (_set("honor", "certificate_title", "<b>"), "openedx_certificates_modes.honor.certificate_title"),
    (lambda c: c.__setitem__("xseries", {}), "openedx_certificates_modes.xseries"),
])
def test_validate_names_the_role_variable(edit, variable):
    with pytest.raises(AnsibleFilterError) as err:
        validate(changed(edit), role_prefix="openedx_certificates")
    assert "(variable %s):" % variable in str(err.value)
    assert str(err.value).endswith("Nothing was changed.")


@pytest.mark.parametrize("key,why", [
    ("logo_src", "site's branding"), ("logo_url", "site's branding"),
    ("company_tos_url", "marketing links"), ("company_verified_certificate_url", "no certificate template"),
    ("platform_name", "2015 releases"),
])
def test_missing_key_says_why_it_is_required(key, why):
    """The platform accepts a configuration without them (issue 11): the message says why the toolkit does not."""
    problems = dict(validate_configuration(changed(_del("default", key))))
    assert why in problems["configuration.default." + key]
