"""Unit tests of module_utils/openedx_json_text.py: JSON edited in place.

Most go through ``plan_edit`` (the way the module uses the editor), whose
read-back check also runs; every expected text is byte exact, so a line
that the edit should not touch but does makes the test fail.
"""

import json

import pytest

from ansible.module_utils import openedx_config_file as cf
from ansible.module_utils import openedx_json_text as jt
from ansible.module_utils.openedx_config_file import plan_edit

# Hand-written: space before a colon, aligned values, a compact object and
# a number json.dumps would write differently. Re-serialising any of it
# would show in the diff of a one-flag change.
ODD = """{
    "PLATFORM_NAME" : "Caf\\u00e9",
    "TIME_ZONE":      "UTC",
    "RATE": 1.50,
    "FEATURES": {
        "CERTIFICATES_HTML_VIEW": false,
        "ENABLE_X":               true
    },
    "HOSTS": ["a", "b"],
    "CACHE": {"TIMEOUT": 300}
}
"""


def edit(text, settings=None, remove=None):
    plan = plan_edit(text, "json", settings or {}, remove or [], label="f.json")
    assert plan.warnings == []
    assert cf.strict_equal(json.loads(plan.new_text), plan.new_data)
    return plan.new_text


def test_set_existing_scalar_keeps_every_other_byte():
    assert edit(ODD, {"FEATURES.CERTIFICATES_HTML_VIEW": True}) == ODD.replace(
        '"CERTIFICATES_HTML_VIEW": false', '"CERTIFICATES_HTML_VIEW": true')
    assert edit(ODD, {"TIME_ZONE": "Europe/Paris"}) == ODD.replace('"UTC"', '"Europe/Paris"')
    assert edit(ODD, {"CACHE.TIMEOUT": 60}) == ODD.replace('{"TIMEOUT": 300}', '{"TIMEOUT": 60}')


def test_add_key_to_existing_object():
    out = edit(ODD, {"FEATURES.NEW_FLAG": True, "NEW_TOP": "x"})
    assert out == ODD.replace(
        '        "ENABLE_X":               true\n',
        '        "ENABLE_X":               true,\n        "NEW_FLAG": true\n').replace(
        '    "CACHE": {"TIMEOUT": 300}\n', '    "CACHE": {"TIMEOUT": 300},\n    "NEW_TOP": "x"\n')


def test_add_key_to_compact_object_stays_on_its_line():
    assert edit(ODD, {"CACHE.PREFIX": "p"}) == ODD.replace('{"TIMEOUT": 300}', '{"TIMEOUT": 300, "PREFIX": "p"}')


def test_add_nested_object_with_the_file_indentation():
    out = edit(ODD, {"JWT_AUTH.JWT_ISSUER": "iss", "FEATURES.SUB.DEEP": [1, {"k": None}]})
    assert out == ODD.replace(
        '        "ENABLE_X":               true\n',
        '        "ENABLE_X":               true,\n'
        '        "SUB": {\n'
        '            "DEEP": [\n'
        '                1,\n'
        '                {\n'
        '                    "k": null\n'
        '                }\n'
        '            ]\n'
        '        }\n').replace(
        '    "CACHE": {"TIMEOUT": 300}\n',
        '    "CACHE": {"TIMEOUT": 300},\n    "JWT_AUTH": {\n        "JWT_ISSUER": "iss"\n    }\n')


@pytest.mark.parametrize("key,line", [
    ("PLATFORM_NAME", '    "PLATFORM_NAME" : "Caf\\u00e9",\n'),  # first
    ("RATE", '    "RATE": 1.50,\n'),  # middle
])
def test_remove_key(key, line):
    assert edit(ODD, remove=[key]) == ODD.replace(line, "")


def test_remove_last_key_takes_the_comma_before_it():
    assert edit(ODD, remove=["CACHE"]) == ODD.replace(',\n    "CACHE": {"TIMEOUT": 300}\n', "\n")
    assert edit(ODD, remove=["FEATURES.ENABLE_X"]) == ODD.replace(
        'false,\n        "ENABLE_X":               true\n', "false\n")


def test_remove_only_key_leaves_empty_object():
    assert edit(ODD, remove=["CACHE.TIMEOUT"]) == ODD.replace('{"TIMEOUT": 300}', "{}")
    assert edit('{\n  "A": {\n    "B": 1\n  },\n  "C": 2\n}\n', remove=["A.B"]) == '{\n  "A": {},\n  "C": 2\n}\n'
    assert edit('{"A": 1}', remove=["A"]) == "{}"


@pytest.mark.parametrize("text,expected", [
    # tabs
    ('{\n\t"A": {\n\t\t"B": 1\n\t}\n}\n', '{\n\t"A": {\n\t\t"B": 1,\n\t\t"C": {\n\t\t\t"D": true\n\t\t}\n\t}\n}\n'),
    # two spaces, no trailing newline
    ('{\n  "A": {\n    "B": 1\n  }\n}', '{\n  "A": {\n    "B": 1,\n    "C": {\n      "D": true\n    }\n  }\n}'),
    # compact, no spaces at all
    ('{"A":{"B":1}}', '{"A":{"B":1,"C":{"D":true}}}'),
])
def test_indentation_style_kept(text, expected):
    assert edit(text, {"A.C.D": True}) == expected


def test_empty_object_filled_as_the_file_writes_objects():
    text = '{\n    "A": 1,\n    "FEATURES": {}\n}\n'
    assert edit(text, {"FEATURES.X": True}) == '{\n    "A": 1,\n    "FEATURES": {\n        "X": true\n    }\n}\n'
    assert edit("{}\n", {"A": 1}) == '{"A": 1}\n'
    assert edit("{ }", {"A": 1}) == '{"A": 1}'


def test_sorted_file_gets_new_keys_in_sorted_place():
    text = '{\n    "A": 1,\n    "C": {\n        "X": 1,\n        "Z": 2\n    }\n}\n'
    assert edit(text, {"B": {"y": 1, "x": 2}, "C.Y": 0, "0": True}) == (
        '{\n    "0": true,\n    "A": 1,\n    "B": {\n        "x": 2,\n        "y": 1\n    },\n'
        '    "C": {\n        "X": 1,\n        "Y": 0,\n        "Z": 2\n    }\n}\n')


def test_replace_container_values():
    text = '{\n    "L": [\n        1\n    ],\n    "S": 1,\n    "I": [1, 2]\n}\n'
    # a multi-line value or a scalar becomes what json.dumps writes in this file ...
    assert edit(text, {"L": [2, 3], "S": {"a": 1}}) == (
        '{\n    "L": [\n        2,\n        3\n    ],\n    "S": {\n        "a": 1\n    },\n    "I": [1, 2]\n}\n')
    # ... a value written on one line stays on one line
    assert edit(text, {"I": [3]}) == text.replace("[1, 2]", "[3]")
    assert edit(text, {"L": []}) == '{\n    "L": [],\n    "S": 1,\n    "I": [1, 2]\n}\n'


def test_python2_trailing_space_style():
    text = '{\n    "A": 1, \n    "B": 2\n}\n'
    assert edit(text, {"C": [1, 2]}) == '{\n    "A": 1, \n    "B": 2, \n    "C": [\n        1, \n        2\n    ]\n}\n'


def test_non_ascii_written_as_the_file_does():
    assert edit('{\n    "A": "caf\\u00e9"\n}\n', {"B": "\u00fc"}) == '{\n    "A": "caf\\u00e9",\n    "B": "\\u00fc"\n}\n'
    assert edit('{\n    "A": "caf\u00e9"\n}\n', {"B": "\u00fc"}) == '{\n    "A": "caf\u00e9",\n    "B": "\u00fc"\n}\n'


def test_duplicate_keys_follow_json_loads():
    text = '{\n    "A": 1,\n    "B": 2,\n    "A": 3\n}\n'
    assert edit(text, {"A": 4}) == '{\n    "A": 1,\n    "B": 2,\n    "A": 4\n}\n'  # loads keeps the last
    assert edit(text, remove=["A"]) == '{\n    "B": 2\n}\n'  # every copy goes, or the first comes back


def test_strings_with_quotes_escapes_and_braces_are_skipped_correctly():
    text = '{\n    "A": "x \\\\\\" } ] , {",\n    "B\\"": "\\\\",\n    "C": 1\n}\n'
    assert json.loads(text)["A"] == 'x \\" } ] , {'
    assert edit(text, {"C": 2}) == text.replace('"C": 1', '"C": 2')
    assert edit(text, {'B"': 0}) == text.replace('"\\\\",', "0,")


def test_nan_and_infinity_parsed():
    text = '{"A": NaN, "B": -Infinity, "C": 1}'
    assert edit(text, {"C": 2}) == '{"A": NaN, "B": -Infinity, "C": 2}'


def test_parse_errors_name_the_line_only():
    with pytest.raises(jt.JsonTextError) as info:
        jt.parse_spans('{\n    "A": secret-value\n}')
    assert "line 2" in str(info.value) and "secret" not in str(info.value)


def test_crlf_and_bom_through_decode_text():
    raw = b'\xef\xbb\xbf{\r\n    "A" : 1.50,\r\n    "B": 1\r\n}\r\n'
    text, restore = cf.decode_text(raw, "f.json")
    plan = plan_edit(text, "json", {"B": 2, "C": True}, label="f.json")
    assert restore(plan.new_text) == b'\xef\xbb\xbf{\r\n    "A" : 1.50,\r\n    "B": 2,\r\n    "C": true\r\n}\r\n'
