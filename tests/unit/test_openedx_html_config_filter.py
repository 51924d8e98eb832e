"""The configuration schema, its small checker, jsonschema, and the filters."""

import copy

import jsonschema
import pytest
from ansible.errors import AnsibleFilterError

from ansible.module_utils.openedx_html_config import (
    KNOWN_MODES,
    REQUIRED_DEFAULT_KEYS,
    build_schema,
    check_configuration,
    validate_configuration,
)
from openedx_html_config import FilterModule

FILTERS = FilterModule().filters()
validate = FILTERS["openedx_html_config_validate"]
build = FILTERS["openedx_html_config_build"]

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
