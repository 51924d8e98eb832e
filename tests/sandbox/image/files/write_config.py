#!/usr/bin/env python3
"""
Write the sandbox host's platform configuration (called by provision.sh with
the system python3, which has python3-yaml on the image).

    write_config.py RELEASE [DESTDIR]

legacy (hawthorn): /edx/app/edxapp/{lms,cms}.env.json and {lms,cms}.auth.json,
    4-space indent and sorted keys, as the old Ansible roles write them.
modern (lilac, maple): /edx/etc/lms.yml and /edx/etc/studio.yml.
DESTDIR (default "") is prepended to every path, for tests.

    write_config.py secret NAME

prints one of the sandbox's generated secrets (provision.sh creates the
MariaDB users with them).
"""
import hashlib
import json
import os
import sys

# The MariaDB database and users, as the old Ansible repository names them
# (openedx/configuration: EDXAPP_MYSQL_DB_NAME edxapp, EDXAPP_MYSQL_USER
# edxapp001, COMMON_MYSQL_MIGRATE_USER migrate), on the host's own server
# (EDXAPP_MYSQL_HOST localhost: the unix socket).
DB_NAME = "edxapp"
DB_USER = "edxapp001"
DB_MIGRATION_USER = "migrate"


def secret(name):
    return hashlib.sha256(("sandbox-" + name).encode()).hexdigest()[:50]


def database(**extra):
    entry = {
        "CONN_MAX_AGE": 0,
        "ENGINE": "django.db.backends.mysql",
        "HOST": "localhost",
        "NAME": DB_NAME,
        "OPTIONS": {},
        "PASSWORD": secret("mysql-" + DB_USER),
        "PORT": "3306",
        "USER": DB_USER,
    }
    entry.update(extra)
    return entry


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
        # As the old Ansible repository's edxapp_databases (maple.3
        # playbooks/roles/edxapp/defaults/main.yml): the replica is the
        # same database here; student_module_history is left out (the
        # sandbox has no courseware state).
        "DATABASES": {
            "default": database(ATOMIC_REQUESTS=True),
            "read_replica": database(),
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
    if sys.argv[1] == "secret":
        print(secret(sys.argv[2]))
        return
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
