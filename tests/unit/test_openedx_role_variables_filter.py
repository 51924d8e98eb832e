"""The misspelt-variable filter of the roles' preflights."""

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from openedx_role_variables import openedx_unknown_role_variables as unknown

KNOWN = ["openedx_certificates_platform_name", "openedx_certificates_logo_url",
         "openedx_certificates_restart"]


@pytest.mark.parametrize("names,expected", [
    ([], []),
    (KNOWN, []),
    (["openedx_certificates_platfrom_name"],
     ["openedx_certificates_platfrom_name is not a variable of this role "
      "(did you mean openedx_certificates_platform_name?)"]),
    (["openedx_certificates_restarts", "openedx_certificates_logo_url"],
     ["openedx_certificates_restarts is not a variable of this role "
      "(did you mean openedx_certificates_restart?)"]),
])
def test_unknown_names_get_the_closest_known_one(names, expected):
    assert unknown(names, KNOWN) == expected


def test_nothing_close_lists_the_known_names():
    [message] = unknown(["openedx_certificates_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"], KNOWN)
    assert "the role knows: " + ", ".join(sorted(KNOWN)) in message


def test_known_as_mapping_and_duplicates_once():
    assert unknown(["x_y", "x_y"], {"x_z": {}}) == ["x_y is not a variable of this role (did you mean x_z?)"]


def test_refuses_wrong_input():
    with pytest.raises(AnsibleFilterError):
        unknown("openedx_certificates_x", KNOWN)


@pytest.mark.parametrize("old,new", [
    ("openedx_certificates_instance", "openedx_host_instance"),
    ("openedx_certificates_host_services", "openedx_host_services"),
    ("openedx_certificates_state_dir", "openedx_host_state_dir"),
    ("openedx_certificates_health_timeout", "openedx_host_health_timeout"),
    ("openedx_audit_cutoff_platform_dir", "openedx_host_platform_dir"),
    ("openedx_audit_cutoff_host_services", "openedx_host_services"),
    ("openedx_audit_cutoff_restart", "openedx_host_restart"),
    ("openedx_certificate_theme_python", "openedx_host_python"),
    ("openedx_certificate_theme_service_names", "openedx_host_service_names"),
])
def test_an_old_name_says_its_new_name(old, new):
    assert unknown([old], KNOWN) == [f"{old} is now {new}"]


def test_the_rename_table_points_only_at_the_host_role():
    from openedx_role_variables import RENAMED
    spec = Path(__file__).resolve().parents[2] / "roles" / "openedx_host" / "meta" / "argument_specs.yml"
    options = yaml.safe_load(spec.read_text())["argument_specs"]["main"]["options"]
    assert RENAMED and set(RENAMED.values()) <= set(options)
    # no old name is still a variable of its role
    for role in ("openedx_certificates", "openedx_audit_cutoff", "openedx_certificate_theme"):
        spec = Path(__file__).resolve().parents[2] / "roles" / role / "meta" / "argument_specs.yml"
        names = set(yaml.safe_load(spec.read_text())["argument_specs"]["main"]["options"])
        assert not names & set(RENAMED), role


def test_a_known_name_is_never_reported_as_renamed():
    assert unknown(["openedx_certificates_instance"], ["openedx_certificates_instance"]) == []
