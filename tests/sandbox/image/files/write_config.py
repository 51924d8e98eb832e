#!/usr/bin/env python3
"""
Write the sandbox host's platform configuration (called by provision.sh with
the system python3, which has python3-yaml on the image).

    write_config.py RELEASE [DESTDIR]

legacy (hawthorn): /edx/app/edxapp/{lms,cms}.env.json and {lms,cms}.auth.json,
    4-space indent and sorted keys, as the old Ansible roles write them.
modern (lilac, maple): /edx/etc/lms.yml and /edx/etc/studio.yml.
DESTDIR (default "") is prepended to every path, for tests.
"""
import hashlib
import json
import os
import sys

DB_PATH = "/edx/var/edxapp/db/edxapp.sqlite3"


def secret(name):
    return hashlib.sha256(("sandbox-" + name).encode()).hexdigest()[:50]


def features(service):
    base = {
        "AUTH_USE_OPENID_PROVIDER": True,
        "AUTOMATIC_AUTH_FOR_TESTING": False,
        "CERTIFICATES_HTML_VIEW": False,
        "CUSTOM_COURSES_EDX": False,
        "ENABLE_COMBINED_LOGIN_REGISTRATION": True,
        "ENABLE_DISCUSSION_SERVICE": True,
        "ENABLE_INSTRUCTOR_ANALYTICS": False,
        "ENABLE_SYSADMIN_DASHBOARD": False,
        "PREVIEW_LMS_BASE": "preview.sandbox.example.com",
    }
    if service == "cms":
        base["ENABLE_EXPORT_GIT"] = False
    else:
        base["ENABLE_COURSEWARE_SEARCH"] = False
        base["ENABLE_DASHBOARD_SEARCH"] = False
    return base


def env_tokens(service):
    return {
        "BOOK_URL": "",
        "BUGS_EMAIL": "bugs@example.com",
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "KEY_PREFIX": "default",
                "LOCATION": "edxapp_cache",
            }
        },
        "CELERY_ALWAYS_EAGER": False,
        "CELERY_BROKER_HOSTNAME": "localhost",
        "CELERY_BROKER_TRANSPORT": "amqp",
        "CMS_BASE": "studio.sandbox.example.com",
        "CONTACT_EMAIL": "info@example.com",
        "DEFAULT_FROM_EMAIL": "registration@example.com",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "localhost",
        "FEATURES": features(service),
        "LANGUAGE_CODE": "en",
        "LMS_BASE": "sandbox.example.com",
        "LMS_ROOT_URL": "http://sandbox.example.com",
        "LOGGING_ENV": "sandbox",
        "LOG_DIR": "/edx/var/log/edx",
        "PLATFORM_NAME": "Sandbox edX",
        "SERVER_EMAIL": "devops@example.com",
        "SESSION_COOKIE_DOMAIN": "",
        "SITE_NAME": "sandbox.example.com",
        "TECH_SUPPORT_EMAIL": "technical@example.com",
        "TIME_ZONE": "America/New_York",
    }


def auth_tokens(service):
    return {
        "AWS_ACCESS_KEY_ID": "",
        "AWS_SECRET_ACCESS_KEY": "",
        "CELERY_BROKER_PASSWORD": secret("celery"),
        "CELERY_BROKER_USER": "celery",
        "CONTENTSTORE": {
            "DOC_STORE_CONFIG": {"db": "edxapp", "host": ["localhost"], "password": secret("mongo"),
                                 "port": 27017, "user": "edxapp"},
            "ENGINE": "xmodule.contentstore.mongo.MongoContentStore",
        },
        "DATABASES": {
            "default": {
                "ATOMIC_REQUESTS": True,
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": DB_PATH,
                # Several processes write at once (web, manage.py, the
                # worker): take the write lock when a transaction starts, so
                # a busy database is waited for (timeout) instead of
                # failing at once with "database is locked" when a read
                # turns into a write. MySQL on a real host has no such issue.
                "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
            }
        },
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_HOST_USER": "",
        "SECRET_KEY": secret("secret-key-" + service),
        "XQUEUE_INTERFACE": {
            "basic_auth": ["edx", secret("xqueue-basic")],
            "django_auth": {"password": secret("xqueue"), "username": "lms"},
            "url": "http://localhost:18040",
        },
    }


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    release = sys.argv[1]
    destdir = sys.argv[2] if len(sys.argv) > 2 else ""
    written = []
    if release == "hawthorn":
        for service in ("lms", "cms"):
            for kind, data in (("env", env_tokens(service)), ("auth", auth_tokens(service))):
                path = destdir + "/edx/app/edxapp/%s.%s.json" % (service, kind)
                write(path, json.dumps(data, indent=4, sort_keys=True) + "\n")
                written.append(path)
    else:
        import yaml
        for service, name in (("lms", "lms.yml"), ("cms", "studio.yml")):
            data = env_tokens(service)
            data.update(auth_tokens(service))
            path = destdir + "/edx/etc/" + name
            write(path, yaml.safe_dump(data, default_flow_style=False, sort_keys=True))
            written.append(path)
    print("\n".join(written))


if __name__ == "__main__":
    main()
