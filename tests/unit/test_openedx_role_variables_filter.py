"""The misspelt-variable filter of the roles' preflights."""

import pytest
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
