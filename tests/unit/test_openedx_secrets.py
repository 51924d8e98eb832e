"""Unit tests of module_utils/openedx_secrets.py: passwords inside URLs.

A URL's userinfo (``scheme://user:secret@host``) holds a password (or, as in
``https://TOKEN@github.com``, a token) whatever the name of the key that
holds the URL, so it is masked wherever a value is shown. The name rule
(tests in test_openedx_config_file.py) cannot catch these: ``BROKER_URL``
does not look secret.
"""

import pytest

from ansible.module_utils import openedx_secrets as sec

M = sec.MASK


@pytest.mark.parametrize("url,shown", [
    ("redis://user:s3cret-pw@cache:6379/0", "redis://%s@cache:6379/0" % M),
    ("amqp://celery:pa@ss@rabbit:5672/", "amqp://%s@rabbit:5672/" % M),  # raw @ in the password
    ("mysql://edx:ab/cd@db/edxapp", "mysql://%s@db/edxapp" % M),  # raw / in the password
    ("https://ghp_TOKENvalue123@github.com/org/repo.git", "https://%s@github.com/org/repo.git" % M),
    ("mongodb://:only-pw@mongo:27017", "mongodb://%s@mongo:27017" % M),
    ("MYSQL://U:P4ssword@H", "MYSQL://%s@H" % M),
])
def test_url_userinfo_masked(url, shown):
    assert sec.mask_url_userinfo(url) == shown
    assert sec.mask_value("CELERY_BROKER_URL", url) == shown
    assert sec.mask_url_userinfo(shown) == shown  # masking twice changes nothing


@pytest.mark.parametrize("text", [
    "https://lms.example.com", "https://lms.example.com:443/path?x=1", "user@example.com",
    "mailto:someone@example.com", "/edx/app/edxapp", "", "plain text with an @ sign",
])
def test_text_without_userinfo_kept(text):
    assert sec.mask_url_userinfo(text) == text
    assert sec.mask_value("LMS_ROOT_URL", text) == text


def test_url_userinfo_masked_inside_structures():
    value = {"BROKER": "redis://u:pw-in-dict@h/1", "HOSTS": ["amqp://a:pw-in-list@h"], "N": 3, "B": True}
    assert sec.mask_value("CELERY", value) == {"BROKER": "redis://%s@h/1" % M, "HOSTS": ["amqp://%s@h" % M],
                                               "N": 3, "B": True}
    assert value["BROKER"] == "redis://u:pw-in-dict@h/1"  # not changed in place
    masked = sec.mask_settings({"CACHES.default.LOCATION": "redis://:pw-setting@r:6379"})
    assert masked == {"CACHES.default.LOCATION": "redis://%s@r:6379" % M}


def test_scrub_masks_urls_in_free_text():
    text = "could not connect to amqp://celery:free-text-pw@rabbit:5672/ (timeout)"
    assert sec.scrub(text, set()) == "could not connect to amqp://%s@rabbit:5672/ (timeout)" % M
    assert sec.scrub("'redis://u:quoted-pw@h'", {"unrelated"}) == "'redis://%s@h'" % M


def test_secret_strings_collects_url_passwords():
    found = sec.secret_strings("BROKER_URL", "amqp://celery:collected-pw@rabbit/")
    assert "collected-pw" in found
    # so that the bare password is scrubbed from text that quotes it alone
    assert sec.scrub("auth failed for collected-pw", found) == "auth failed for %s" % M
