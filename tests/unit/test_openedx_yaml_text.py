"""Unit tests of module_utils/openedx_yaml_text.py: YAML edited in place.

Most go through ``plan_edit`` (the way the module uses the editor), whose
read-back check also runs; every expected text is byte exact, so a line
that the edit should not touch but does makes the test fail.
"""

import pytest
import yaml

from ansible.module_utils import openedx_config_data as cdata
from ansible.module_utils.openedx_config_data import ConfigFileError
from ansible.module_utils.openedx_config_file import plan_edit


def edit(text, settings=None, remove=None):
    plan = plan_edit(text, "yaml", settings or {}, remove or [], label="f.yml")
    assert cdata.strict_equal(yaml.safe_load(plan.new_text) or {}, plan.new_data)
    return plan.new_text


def test_yaml_replace_keeps_inline_comment_and_quotes():
    text = "A: 'x'   # keep me\nB: \"y\"\nC: z\n"
    assert edit(text, {"A": "new", "B": "n2", "C": "n3"}) == "A: 'new'   # keep me\nB: \"n2\"\nC: n3\n"


def test_yaml_plain_string_that_would_change_type_is_quoted():
    assert edit("A: x\n", {"A": "true"}) == 'A: "true"\n'
    assert edit("A: x\n", {"A": "2019-01-01"}) == 'A: "2019-01-01"\n'
    assert edit("A: x\n", {"A": "a # b"}) == 'A: "a # b"\n'
    assert edit("A: 'x'\n", {"A": "it's"}) == "A: 'it''s'\n"


def test_yaml_scalar_types():
    text = "A: 1\n"
    assert edit(text, {"A": 1.0}) == "A: 1.0\n"
    assert edit(text, {"A": True}) == "A: true\n"
    assert edit(text, {"A": None}) == "A: null\n"
    assert edit(text, {"A": 1e100}) == "A: 1.0e+100\n"
    assert edit(text, {"A": "line1\nline2\t\u2028"}) == 'A: "line1\\nline2\\t\\u2028"\n'
    assert edit(text, {"A": [1, "b", {"c": None}]}) == "A: [1, b, {c: null}]\n"
    assert edit(text, {"A": {"x y": ["1", True]}}) == 'A: {x y: ["1", true]}\n'
    assert edit(text, {"A": {}}) == "A: {}\n"


def test_yaml_empty_value_and_block_values():
    text = "A:\nB:\n  x: 1\n  y: 2\n# about C\nC: |\n  text\n  more\nD: last\n"
    out = edit(text, {"A": 5, "B": "flat", "C": "short"})
    assert out == "A: 5\nB: flat\n# about C\nC: short\nD: last\n"


def test_yaml_insert_after_last_child_and_create_parents():
    text = "FEATURES:\n    A: true\n    B: false\n\n# next section\nPLATFORM_NAME: X\n"
    out = edit(text, {"FEATURES.C": True, "JWT_AUTH.JWT_ISSUER": "iss", "FEATURES.SUB.DEEP": 1})
    assert out == ("FEATURES:\n    A: true\n    B: false\n    C: true\n    SUB:\n        DEEP: 1\n\n"
                   "# next section\nPLATFORM_NAME: X\nJWT_AUTH:\n    JWT_ISSUER: iss\n")


def test_yaml_indent_unit_detected_and_no_trailing_newline_kept():
    text = "A:\n  B: 1"
    assert edit(text, {"A.C": 2, "D.E": 3}) == "A:\n  B: 1\n  C: 2\nD:\n  E: 3"
    assert edit(text, {"A.B": 5}) == "A:\n  B: 5"


def test_yaml_indentless_list_value_replaced():
    text = "HOSTS:\n- a\n- b\nNEXT: 1\n"
    assert edit(text, {"HOSTS": ["c"]}) == "HOSTS: [c]\nNEXT: 1\n"
    assert edit(text, {"NEW": 1}) == "HOSTS:\n- a\n- b\nNEXT: 1\nNEW: 1\n"


def test_yaml_insert_after_list_and_block_scalar_last_child():
    text = "P:\n  L:\n  - 1\n  - 2\n# trailing\nQ:\n  T: |\n    a\n    b\n\nR: 1\n"
    out = edit(text, {"P.N": 1, "Q.U": 2})
    assert out == "P:\n  L:\n  - 1\n  - 2\n  N: 1\n# trailing\nQ:\n  T: |\n    a\n    b\n  U: 2\n\nR: 1\n"


def test_yaml_remove():
    text = "A: 1  # c\nF:\n  X: 1\n  Y:\n    deep: 2\n  Z: 3\nG:\n  only: 1\nH: 2"
    assert edit(text, remove=["F.Y"]) == "A: 1  # c\nF:\n  X: 1\n  Z: 3\nG:\n  only: 1\nH: 2"
    assert edit(text, remove=["H"]) == "A: 1  # c\nF:\n  X: 1\n  Y:\n    deep: 2\n  Z: 3\nG:\n  only: 1"
    assert edit(text, remove=["G.only"]) == "A: 1  # c\nF:\n  X: 1\n  Y:\n    deep: 2\n  Z: 3\nG: {}\nH: 2"
    assert edit("A: 1\n", remove=["A"]) == "{}\n"
    plan = plan_edit(text, "yaml", {}, ["NOPE", "A.B", "F.NOPE"])
    assert not plan.changed and plan.new_text == text


def test_yaml_empty_flow_mapping_becomes_block():
    assert edit("F: {}  # flags\nG: 1\n", {"F.A": True}) == "F:  # flags\n    A: true\nG: 1\n"
    assert edit("{}\n", {"A.B": 1}) == "A:\n    B: 1\n"
    assert edit("", {"A": 1}) == "A: 1\n"
    assert edit("# only a comment\n", {"A": 1}) == "# only a comment\nA: 1\n"


def test_yaml_flow_parent_refused_but_value_replace_allowed():
    text = "FEATURES: {A: true, B: false}\n"
    with pytest.raises(ConfigFileError) as info:
        edit(text, {"FEATURES.C": True})
    assert "FEATURES is a flow-style mapping" in str(info.value) and "line 1" in str(info.value)
    with pytest.raises(ConfigFileError, match="flow-style"):
        edit(text, remove=["FEATURES.A"])
    assert edit(text, {"FEATURES.B": True}) == "FEATURES: {A: true, B: true}\n"
    assert edit(text, {"FEATURES.B": "x, y"}) == 'FEATURES: {A: true, B: "x, y"}\n'


def test_yaml_alias_refused():
    text = "base: &b\n  x: 1\nother: *b\n"
    with pytest.raises(ConfigFileError, match="alias"):
        edit(text, {"other.y": 1})


def test_yaml_parse_error_never_shows_the_line():
    text = "SECRET_KEY: \"abc-very-secret\nB: 1\n"
    with pytest.raises(ConfigFileError) as info:
        plan_edit(text, "yaml", {"B": 2}, label="f.yml")
    assert "very-secret" not in str(info.value)


# --------------------------------------------------------------------------
# issue 10: anchors and aliases


ANCHORED = ("FEATURES: &f\n    A: true\n    SUB: &s\n        X: 1\nSTUDIO_FEATURES: *f\n"
            "PREVIEW:\n    <<: *f\n    B: 2\nOTHER_SUB: *s\nPORT: &port 80\nALT_PORT: *port\nPLAIN: 1\n")


@pytest.mark.parametrize("settings,remove,named", [
    ({"FEATURES.NEW": True}, [], ["STUDIO_FEATURES", "PREVIEW.<<"]),
    ({"FEATURES.A": False}, [], ["STUDIO_FEATURES", "PREVIEW.<<"]),
    ({"FEATURES.SUB.X": 2}, [], ["STUDIO_FEATURES", "PREVIEW.<<", "OTHER_SUB"]),
    ({}, ["FEATURES.A"], ["STUDIO_FEATURES", "PREVIEW.<<"]),
    ({"PORT": 81}, [], ["ALT_PORT"]),
    ({"FEATURES": {}}, [], ["STUDIO_FEATURES", "PREVIEW.<<"]),  # would drop the anchor the aliases use
    ({}, ["FEATURES"], ["STUDIO_FEATURES", "PREVIEW.<<"]),
])
def test_yaml_edit_through_an_anchor_is_refused_naming_the_aliases(settings, remove, named):
    with pytest.raises(ConfigFileError) as info:
        plan_edit(ANCHORED, "yaml", settings, remove, label="f.yml")
    message = str(info.value)
    assert "alias" in message and "f.yml" in message
    for where in named:
        assert where in message, (where, message)


def test_yaml_replacing_a_value_that_holds_a_used_anchor_is_refused():
    text = "A:\n    S: &s 1\nB: *s\n"
    for settings, remove in (({"A": 5}, []), ({}, ["A"])):
        with pytest.raises(ConfigFileError) as info:
            plan_edit(text, "yaml", settings, remove, label="f.yml")
        assert "A.S (line 2) holds an anchor used by the alias(es) B (line 3)" in str(info.value)
    # an alias inside the replaced value only drops that reference: allowed
    assert edit("X: &x 1\nA:\n    R: *x\n", {"A": 5}) == "X: &x 1\nA: 5\n"
    assert edit("X: &x 1\nA:\n    R: *x\nB: 2\n", remove=["A"]) == "X: &x 1\nB: 2\n"


def test_yaml_edit_beside_anchors_allowed():
    out = edit(ANCHORED, {"PLAIN": 2, "PREVIEW.B": 3, "PREVIEW.A": False, "NEW": 1}, ["ALT_PORT"])
    assert out == ANCHORED.replace("PLAIN: 1", "PLAIN: 2").replace("    B: 2", "    B: 3\n    A: false")\
        .replace("ALT_PORT: *port\n", "") + "NEW: 1\n"


# --------------------------------------------------------------------------
# the module on its own


def test_editor_imports_without_the_file_layer():
    # openedx_config_file imports this editor; the editor must not import it
    # back (the shared error class and helpers are in openedx_config_data).
    import subprocess
    import sys
    from pathlib import Path

    module_utils = str(Path(__file__).resolve().parents[2] / "module_utils")
    code = ("import sys, ansible.module_utils as mu; mu.__path__.append(%r); "
            "from ansible.module_utils.openedx_yaml_text import YamlTextEditor; "
            "editor = YamlTextEditor('A: 1\\n', 'f.yml'); editor.set(['A'], 2); print(editor.text, end=''); "
            "assert 'ansible.module_utils.openedx_config_file' not in sys.modules" % module_utils)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout == "A: 2\n"
