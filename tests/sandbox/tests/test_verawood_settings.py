"""Verawood's settings: FEATURES flattened, FEATURES a write-through proxy.

Each rule from the real file named in the sandbox module that has it
(docs/research/release-ulmo-verawood.md 1.1-1.5, its implementer table):

- openedx/core/lib/features_setting_proxy.py (openedx/edx-platform@5587624b):
  the proxy's reads, writes, warning text, update, delete, iteration, copy;
- lms/envs/production.py (openedx-platform@0217ff87) and
  cms/envs/production.py (@02c8a181): FEATURES bound to the module's own
  globals, the top-level keys splatted, then the YAML FEATURES entries
  assigned through the proxy, so both are flat settings and FEATURES wins;
- lms/djangoapps/certificates/utils.py has_html_certificates_enabled and
  views/webview.py read settings.FEATURES.get('CERTIFICATES_HTML_VIEW');
  cms/urls.py registers the certificate URLs only when the FEATURES read is on;
- the Tutor case (research 1.4): a downstream settings module that star-imports
  lms.envs.production and writes FEATURES["X"] reaches only FEATURES readers.
"""
import importlib.util
import subprocess
import warnings

import pytest

import json

from conftest import DEMO, PLATFORM, PYTHON, RESULT_BEGIN, RESULT_END, TOY
from pages import INVALID, PAGE_SCRIPT, VALID


def load_proxy_module():
    spec = importlib.util.spec_from_file_location(
        "features_setting_proxy", PLATFORM / "openedx" / "core" / "lib" / "features_setting_proxy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_features_proxy_is_a_view_of_the_namespace():
    FeaturesProxy = load_proxy_module().FeaturesProxy
    ns = {"CERTIFICATES_HTML_VIEW": False, "PLATFORM_NAME": "P"}
    features = FeaturesProxy(ns)
    assert features.ns is ns                         # the very dict, not a copy
    assert features["PLATFORM_NAME"] == "P" and features.get("NOPE", 7) == 7 and "PLATFORM_NAME" in features
    with pytest.raises(KeyError):
        features["NOPE"]
    ns["LATER"] = 1                                   # a global set later is seen
    assert features["LATER"] == 1 and sorted(features) == ["CERTIFICATES_HTML_VIEW", "LATER", "PLATFORM_NAME"]
    assert len(features) == 3
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        features["CERTIFICATES_HTML_VIEW"] = True
        features.update({"A": 1}, B="x")
        features.update([("C", None)])
    assert ns["CERTIFICATES_HTML_VIEW"] is True and (ns["A"], ns["B"], ns["C"]) == (1, "x", None)
    assert [w.category for w in caught] == [DeprecationWarning] * 4
    assert str(caught[0].message) == (
        "Accessing FEATURES as a dict is deprecated. Add 'CERTIFICATES_HTML_VIEW = True' to your Django "
        "settings module instead of modifying FEATURES.")
    # the value as repr, inside the quotes of the text
    assert str(caught[2].message).startswith("Accessing FEATURES as a dict is deprecated. Add 'B = 'x'' to your")
    other = features.copy()
    assert isinstance(other, FeaturesProxy) and other.ns is not ns and other.ns == ns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other["ONLY_IN_COPY"] = 1
    assert "ONLY_IN_COPY" not in ns
    del features["A"]
    assert "A" not in ns
    features.clear()
    assert ns == {}
    assert FeaturesProxy().ns == {}


READERS = r'''
from django.conf import settings as s
from openedx.core.lib.features_setting_proxy import FeaturesProxy
result = {"flat": s.CERTIFICATES_HTML_VIEW, "features": s.FEATURES.get("CERTIFICATES_HTML_VIEW", False),
          "proxy": isinstance(s.FEATURES, FeaturesProxy), "idv_flat": s.ENABLE_CERTIFICATES_IDV_REQUIREMENT,
          "idv_features": s.FEATURES.get("ENABLE_CERTIFICATES_IDV_REQUIREMENT")}
if s.SERVICE_VARIANT == "lms":
    from lms.djangoapps.certificates.api import has_html_certificates_enabled
    from openedx.core.djangoapps.content.course_overviews.models import CourseOverview
    from opaque_keys.edx.keys import CourseKey
    result["html_enabled"] = has_html_certificates_enabled(CourseOverview.get_from_id(CourseKey.from_string(%r)))
else:
    from django.test import Client
    result["studio_certificates"] = Client().get("/certificates/%s").status_code
''' % (DEMO, DEMO)


@pytest.mark.parametrize("features, extra, on", [
    ({"CERTIFICATES_HTML_VIEW": True}, {}, True),                                 # Tutor's YAML FEATURES block
    ({}, {"CERTIFICATES_HTML_VIEW": True}, True),                                 # a flat top-level key
    ({"CERTIFICATES_HTML_VIEW": True}, {"CERTIFICATES_HTML_VIEW": False}, True),  # FEATURES applied later: wins
    ({"CERTIFICATES_HTML_VIEW": False}, {"CERTIFICATES_HTML_VIEW": True}, False),
    ({}, {}, False),                                                              # the default, flat False
], ids=["features-block", "flat-key", "features-wins-on", "features-wins-off", "default"])
def test_both_readers_agree_in_lms_and_studio(make_host, features, extra, on):
    host = make_host("verawood", features={"all": features}, extra=extra)
    lms = host.script(READERS)
    assert lms == {"flat": on, "features": on, "proxy": True, "idv_flat": False, "idv_features": False,
                   "html_enabled": on}
    cms = host.script(READERS, service="cms")
    assert cms == {"flat": on, "features": on, "proxy": True, "idv_flat": False, "idv_features": False,
                   "studio_certificates": 200 if on else 404}


def test_yaml_features_entry_warns_only_when_warnings_are_shown(make_host):
    host = make_host("verawood", features={"all": {"CERTIFICATES_HTML_VIEW": True}})
    quiet = host.manage("lms", "shell", "-c", "pass", check=True)
    assert "deprecat" not in quiet.stderr.lower()
    loud = host.manage("lms", "shell", "-c", "pass", env={"PYTHONWARNINGS": "default"}, check=True)
    assert ("DeprecationWarning: Accessing FEATURES as a dict is deprecated. Add 'CERTIFICATES_HTML_VIEW = True' "
            "to your Django settings module instead of modifying FEATURES.") in loud.stderr


def test_verawood_splat_keeps_the_2026_keys_out(make_host):
    """The 2026 list: REST_FRAMEWORK, EVENT_BUS_PRODUCER_CONFIG and the two
    storage keys are not splatted; MKTG_URL_LINK_MAP and MKTG_URL_OVERRIDES
    (kept out on Redwood) now are; the values are aliased with _YAML_TOKENS."""
    host = make_host("verawood", extra={"REST_FRAMEWORK": {"PAGE_SIZE": 7}, "EVENT_BUS_PRODUCER_CONFIG": {},
                                        "DEFAULT_FILE_STORAGE": "x", "STATICFILES_STORAGE": "y",
                                        "MKTG_URL_LINK_MAP": {"ABOUT": "about"}, "MKTG_URL_OVERRIDES": {},
                                        "JWT_AUTH": {}, "SOME_DICT": {"a": 1}})
    code = ("from django.conf import settings as s\n"
            "names = ['REST_FRAMEWORK', 'EVENT_BUS_PRODUCER_CONFIG', 'DEFAULT_FILE_STORAGE', 'STATICFILES_STORAGE',"
            " 'JWT_AUTH', 'MKTG_URL_LINK_MAP', 'MKTG_URL_OVERRIDES']\n"
            "result = [[n for n in names if hasattr(s, n)], s.SOME_DICT is s.ENV_TOKENS['SOME_DICT'],"
            " hasattr(s, 'KEYS_WITH_MERGED_VALUES')]")
    expected = [["MKTG_URL_LINK_MAP", "MKTG_URL_OVERRIDES"], True, False]
    assert host.script(code) == expected
    assert host.script(code, service="cms") == expected


@pytest.mark.parametrize("release", ["redwood", "verawood"])
def test_features_is_a_dict_on_redwood_a_proxy_on_verawood(make_host, release):
    host = make_host(release, features={"all": {"CERTIFICATES_HTML_VIEW": True}})
    code = ("from django.conf import settings as s\n"
            "result = [type(s.FEATURES).__name__, s.FEATURES['CERTIFICATES_HTML_VIEW'],"
            " getattr(s, 'CERTIFICATES_HTML_VIEW', 'unset')]")
    expected = {"redwood": ["dict", True, "unset"], "verawood": ["FeaturesProxy", True, True]}[release]
    assert host.script(code) == host.script(code, service="cms") == expected


DOWNSTREAM = '''
from {service}.envs.production import *  # noqa
FEATURES["CERTIFICATES_HTML_VIEW"] = True
ENABLE_CERTIFICATES_IDV_REQUIREMENT = True
'''


PAGE = PAGE_SCRIPT + """
body = page(uid('toy_learner_00'), %r)[1]
result = 'valid' if %r in body else 'invalid' if %r in body else body
""" % (TOY, VALID, INVALID)


@pytest.mark.parametrize("extra, features, shown", [
    ({"CERTIFICATES_HTML_VIEW": True}, {}, "valid"),
    ({}, {"CERTIFICATES_HTML_VIEW": True}, "valid"),
    ({}, {}, "invalid"),
], ids=["flat-key", "features-block", "default"])
def test_certificate_page_reads_the_flag_through_features(make_host, extra, features, shown):
    """views/webview.py render_html_view: settings.FEATURES.get('CERTIFICATES_HTML_VIEW')."""
    host = make_host("verawood", features={"all": features}, extra=extra)
    host.manage("lms", "migrate", "certificates", "--noinput", check=True)
    assert host.script(PAGE) == shown


@pytest.mark.parametrize("service", ["lms", "cms"])
def test_downstream_features_write_reaches_only_features_readers(make_host, tmp_path, service):
    """Tutor's lms/envs/tutor/production.py case (research 1.4): the star
    import copies the proxy bound to {lms,cms}.envs.production; a
    FEATURES["X"] write there changes what FEATURES readers see (the
    certificate checks, Studio's URLconf) but not settings.X; a flat
    downstream X is seen by settings.X only. The module is a throwaway one,
    written here, not shipped in the platform."""
    host = make_host("verawood")
    package = tmp_path / "downstream"
    package.mkdir()
    (package / "tutor_production.py").write_text(DOWNSTREAM.format(service=service))
    env = host.env(DJANGO_SETTINGS_MODULE="tutor_production", PYTHONPATH=str(package))
    wrapped = READERS + "\nimport json as _j\nprint(%r)\nprint(_j.dumps(result))\nprint(%r)\n" % (RESULT_BEGIN,
                                                                                              RESULT_END)
    proc = subprocess.run([PYTHON, "manage.py", service, "shell", "-c", wrapped], cwd=PLATFORM, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    got = json.loads(out[out.index(RESULT_BEGIN) + len(RESULT_BEGIN):out.index(RESULT_END)])
    expected = {"flat": False, "features": True, "proxy": True, "idv_flat": True, "idv_features": False}
    expected.update({"html_enabled": True} if service == "lms" else {"studio_certificates": 200})
    assert got == expected
    if service == "lms":
        # and the certificate page, a FEATURES reader, shows the certificate
        host.manage("lms", "migrate", "certificates", "--noinput", check=True)
        page = PAGE + "\nimport json as _j\nprint(%r)\nprint(_j.dumps(result))\nprint(%r)\n" % (RESULT_BEGIN,
                                                                                            RESULT_END)
        proc = subprocess.run([PYTHON, "manage.py", "lms", "shell", "-c", page], cwd=PLATFORM, env=env,
                              capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr
        assert '"valid"' in proc.stdout.split(RESULT_BEGIN)[1].split(RESULT_END)[0]
