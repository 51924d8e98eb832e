# -*- coding: utf-8 -*-
# Copyright: contributors to the Open edX Ansible toolkit
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Masking of secret values in Open edX configuration data.

An Open edX config file holds passwords and keys next to harmless flags.
Modules that show config values (diffs, return values, error messages) must
never show a secret one. The rule used here is a name rule: a value is
secret when ANY component of its dotted key path contains one of
``SECRET_WORDS`` (case-insensitive). ``AWS_ACCESS_KEY_ID``,
``DATABASES.default.PASSWORD``, ``JWT_AUTH.JWT_SECRET_KEY`` and
``SOCIAL_AUTH_OAUTH_SECRETS`` are secret; ``FEATURES.CERTIFICATES_HTML_VIEW``
is not. The rule errs on the side of masking (``KEY`` also matches
``KEYBOARD_SHORTCUTS``): hiding a harmless value costs nothing, showing a
password is not recoverable.

Dicts are masked recursively, so a non-secret key whose value is a dict
(``DATABASES``) shows its structure with the secret leaves hidden.

The name rule misses one common place for a password: the userinfo of a
URL (``amqp://celery:PASSWORD@rabbit:5672/`` under ``CELERY_BROKER_URL``,
``https://TOKEN@github.com/...``). So every string that is shown has the
userinfo of its URLs replaced by MASK (``amqp://********@rabbit:5672/``),
whatever key holds it, and ``scrub`` does the same in free text. The whole
userinfo goes, user name included, because a token is often written as the
user name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

MASK = "********"

# Words that make a key secret. PASSWORD/SECRET/KEY/TOKEN are the ones the
# platform's settings use; PASSWD and CREDENTIAL catch the rest seen in
# real lms.yml / *.auth.json files (e.g. ``..._CREDENTIALS``).
SECRET_WORDS = ("PASSWORD", "PASSWD", "SECRET", "KEY", "TOKEN", "CREDENTIAL")


# scheme://USERINFO@host...: the userinfo runs to the LAST "@" before the
# path (a raw "@" in a password is common, and URL parsers take the last
# one too). When a ":" comes first (user:password), a raw "/", "?" or "#"
# in the password is allowed as well, up to the last "@" of the token: this
# can over-mask (``https://host:8080/users/@me``), which is the safe side.
_URL_USERINFO = re.compile(
    r"(?i)\b([a-z][a-z0-9+.\-]*://)"
    r"([^\s/?#@'\"<>]*:[^\s'\"<>]*|[^\s/?#'\"<>]+)@")


def mask_url_userinfo(text):
    """``scheme://user:password@host/...`` -> ``scheme://********@host/...``
    for every URL in ``text`` (non-strings are returned as they are)."""
    if not isinstance(text, str) or "@" not in text or "://" not in text:
        return text
    return _URL_USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)


def url_userinfo_secrets(text):
    """The secret parts of the URLs in ``text``: each whole userinfo and
    each password (the part after the first ":"), for :func:`scrub`."""
    found = set()
    if not isinstance(text, str) or "@" not in text or "://" not in text:
        return found
    for match in _URL_USERINFO.finditer(text):
        userinfo = match.group(2)
        if userinfo == MASK:
            continue
        found.add(userinfo)
        if ":" in userinfo:
            password = userinfo.split(":", 1)[1]
            if password:
                found.add(password)
    return found


def _components(key):
    if isinstance(key, (list, tuple)):
        return [str(c) for c in key]
    return str(key).split(".")


def is_secret_key(key):
    """True when the dotted key (or list of key components) names a secret."""
    for component in _components(key):
        upper = component.upper()
        for word in SECRET_WORDS:
            if word in upper:
                return True
    return False


def mask_data(value):
    """Return a copy of ``value`` where every value under a secret key is MASK.

    Only dict keys are inspected here; the caller decides about the key
    that holds ``value`` itself (see :func:`mask_value`).
    """
    if isinstance(value, dict):
        masked = {}
        for k, v in value.items():
            masked[k] = MASK if is_secret_key([k]) else mask_data(v)
        return masked
    if isinstance(value, (list, tuple)):
        return [mask_data(v) for v in value]
    return mask_url_userinfo(value)


def mask_value(key, value):
    """Mask ``value`` held at dotted ``key``: MASK when the key is secret,
    else the value with its secret sub-keys masked."""
    if is_secret_key(key):
        return MASK
    return mask_data(value)


def mask_settings(settings):
    """Mask a ``{dotted key: value}`` dict (a module's ``settings`` option)."""
    if not isinstance(settings, dict):
        return settings
    return dict((k, mask_value(k, v)) for k, v in settings.items())


def secret_strings(key, value, into=None):
    """Collect the string forms of the secret values in ``value`` held at
    ``key`` (recursively), e.g. to scrub them from free text."""
    found = set() if into is None else into
    if is_secret_key(key):
        _all_strings(value, found)
    elif isinstance(value, dict):
        for k, v in value.items():
            sub = list(_components(key)) + [str(k)]
            secret_strings(sub, v, found)
    elif isinstance(value, (list, tuple)):
        for v in value:
            secret_strings(key, v, found)
    else:
        found.update(url_userinfo_secrets(value))
    return found


def _all_strings(value, found):
    if isinstance(value, dict):
        for v in value.values():
            _all_strings(v, found)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _all_strings(v, found)
    elif isinstance(value, bool) or value is None:
        return
    else:
        text = str(value)
        if text:
            found.add(text)


def scrub(text, secrets):
    """Replace every occurrence of each string of ``secrets`` in ``text`` by MASK.

    Longest first, so that a secret containing another one is fully hidden.
    Strings shorter than 4 characters are left alone: replacing them would
    mangle ordinary words and still say little about the secret.
    The userinfo of every URL in ``text`` is masked too (see
    :func:`mask_url_userinfo`), secrets given or not.
    """
    if not text or not isinstance(text, str):
        return text
    text = mask_url_userinfo(text)
    if not secrets:
        return text
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text
