#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the Open edX Ansible toolkit
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: openedx_env_config
short_description: Set or remove values at dotted keys in an Open edX config file (JSON or YAML)
description:
  - Sets values at dotted keys such as C(FEATURES.CERTIFICATES_HTML_VIEW) in an Open edX
    configuration file, and optionally removes keys. Works on the JSON env files of
    Hawthorn and earlier (C(/edx/app/edxapp/lms.env.json), C(cms.env.json), the C(*.auth.json) files)
    and on the YAML files of Ironwood and later (C(/edx/etc/lms.yml), C(/edx/etc/studio.yml)).
  - Every other key, the key order, the indentation and the trailing newline (or its absence) are kept.
  - JSON files are edited as text, like YAML files, so untouched lines stay byte for byte whatever their
    spacing or number format. The value of an existing key is replaced where it is; a new key goes after
    the last member of its object (or at its sorted place, see the notes) with the separators and
    indentation the object already uses; missing parent objects are created; a removed key takes one comma
    with it. New lists and dicts are written as C(json.dumps) writes them with the file's indentation step
    (on one line inside objects that are written on one line), with C(\uXXXX) escapes unless the file holds
    raw non-ASCII characters. Only if the in-place edit is impossible is the whole file re-serialised, with
    the layout detected from it, and the module then warns that lines other than the changed keys may
    differ.
  - YAML files are edited as text, never re-dumped, so comments, blank lines, quoting and key order
    survive. The value of an existing key is replaced on its line (an inline comment stays); a
    missing key is inserted after the last child of its parent mapping, at the column of its
    siblings; missing parent mappings are created as blocks, indented with the file's own step.
    Lists and dicts are written in flow style, on one line in brackets and braces.
  - The edited text (JSON or YAML) is parsed again and its fully expanded data (YAML aliases followed) must
    equal the intended data key for key; if any other key changed, or a changed key did not come out as
    intended, the module fails, names those keys, and leaves the file as it was.
  - The file is locked (C(flock)) while it is read, changed and replaced, so concurrent runs on the
    same host do not lose each other's changes; a run waits up to 30 seconds for the lock, then fails
    saying that another process is editing the file. It is written through a temporary file in the same
    directory that is renamed over it; owner, group and mode of the file are kept unless
    O(owner), O(group) or O(mode) say otherwise.
  - The temporary file is named C(.NAME.XXXXXXXX.tmp) (mode 0600, a full copy of the config). It is removed
    when the write fails and when the run gets C(SIGTERM) or C(SIGHUP). One left by a run that was killed
    otherwise is removed by the next run on that file, which holds the lock, so no run in progress owns it.
    Only regular files whose name matches that pattern exactly are removed; this counts as a change and
    is reported with a warning and in RV(removed_temp_files). In check mode they are only reported.
  - When the file cannot be written, the error names it and says why in words, for example
    C(Read-only file system), C(Operation not permitted) (an immutable file, C(chattr +i)) or
    C(Device or resource busy) (a file bind-mounted into a container, which cannot be replaced by a
    rename; O(unsafe_writes=true) writes it in place instead).
  - A symbolic link is resolved (C(os.path.realpath)) and its target is edited; the link stays.
  - Values under keys that look secret (any dotted-key component containing C(PASSWORD), C(PASSWD),
    C(SECRET), C(KEY), C(TOKEN) or C(CREDENTIAL), case-insensitive, for example C(AWS_ACCESS_KEY_ID) or
    C(DATABASES.default.PASSWORD)) are never shown, not in the diff, the return values or error
    messages; they appear as C(********).
  - The user name and password of a URL (C(scheme://user:password@host/...)) are masked the same way
    under any key, for example C(amqp://********@rabbit:5672/) for C(CELERY_BROKER_URL). When only
    the masked part of a value changed, the diff shows the masked value followed by C((changed)).
  - Editing C(lms.env.json) on Ironwood or later changes nothing the platform reads; use
    M(openedx_facts) to find which files a host reads.
version_added: "0.1.0"
options:
  path:
    description:
      - The config file to edit. It must exist.
    type: path
    required: true
    aliases: [ dest ]
  settings:
    description:
      - Mapping of dotted key to value. A dot separates mapping levels; write C(\.) for a literal
        dot inside a key name.
      - Values may be booleans, numbers, strings, null, lists and dicts. A dict value replaces the whole
        value at that key (it is not merged); to change one member use its dotted key.
      - Values are compared by type and value. C(true) and C("true") differ, and so do C(1) and C(1.0)
        (the platform reads back the type the file holds), so these count as changes.
      - Settings are applied in the order given, before O(remove).
    type: dict
    default: {}
  remove:
    description:
      - Dotted keys to remove. A key that is not there is not an error.
      - Removing the last key of a mapping leaves an empty mapping (C({})).
    type: list
    elements: str
    default: []
  format:
    description:
      - File format. V(auto) uses the extension (C(.json) -> JSON, C(.yml)/C(.yaml) -> YAML), and for
        other names looks at the content (a leading C({) means JSON).
    type: str
    choices: [ auto, json, yaml ]
    default: auto
  backup:
    description:
      - Create a backup file including the timestamp information so you can get the original
        file back if you somehow clobbered it incorrectly. Only made when the file changes.
    type: bool
    default: false
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.files
  - files
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details: "The diff shows only the changed keys, one C(key: value) line each, with secret values masked."
  platform:
    platforms: posix
  safe_file_operations:
    support: full
  vault:
    support: none
requirements:
  - PyYAML on the managed host, for YAML files only (JSON files need nothing beyond Python).
notes:
  - "Flow-style mappings (C(FEATURES: {A: true})) are not extended: the value of a key they already hold
    can be replaced, but adding or removing keys there fails with an explanation. An empty C({}) is
    turned into a block mapping."
  - YAML anchors and aliases are left alone. Setting a key whose value is an alias fails, and so does any
    change that would also reach other keys through an anchor (setting, adding or removing a key inside an
    anchored value that aliases or C(<<) merge keys use, or replacing or removing a value that holds
    such an anchor); the error names the aliases. Keys next to anchored values are edited as usual.
  - JSON files whose objects all have sorted keys get new keys in sorted position (as C(to_nice_json)
    writes them); otherwise new keys go last in their object. In YAML new keys always go last in
    their mapping.
seealso:
  - module: openedx_facts
  - module: ansible.builtin.lineinfile
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Turn on HTML certificates in the LMS (Ironwood and later)
  openedx_env_config:
    path: /edx/etc/lms.yml
    settings:
      FEATURES.CERTIFICATES_HTML_VIEW: true
    backup: true

- name: Same for Studio on Hawthorn (JSON env file)
  openedx_env_config:
    path: /edx/app/edxapp/cms.env.json
    settings:
      FEATURES.CERTIFICATES_HTML_VIEW: true

- name: Set the audit cutoff date and drop an obsolete flag, showing what would change
  openedx_env_config:
    path: "{{ openedx.config_files.lms }}"
    settings:
      AUDIT_CERT_CUTOFF_DATE: "2019-01-01"
    remove:
      - FEATURES.ENABLE_OLD_THING
  check_mode: true
  diff: true

- name: A key with a dot in its name
  openedx_env_config:
    path: /edx/etc/lms.yml
    settings:
      'CELERY_ROUTES.lms\.djangoapps\.grades\.tasks.queue': edx.lms.core.high
"""

RETURN = r"""
changed:
  description: Whether a value changed (or would change, in check mode), file attributes changed, or
    temporary files of an interrupted run were removed.
  returned: always
  type: bool
  sample: true
path:
  description: The file as given in O(path).
  returned: always
  type: str
  sample: /edx/etc/lms.yml
real_path:
  description: The file that was edited, after resolving symbolic links.
  returned: success
  type: str
  sample: /edx/etc/lms.yml
format:
  description: The format used, V(json) or V(yaml).
  returned: success
  type: str
  sample: yaml
changed_keys:
  description: Dotted keys whose value changed or that were removed, in the order applied.
  returned: success
  type: list
  elements: str
  sample: [FEATURES.CERTIFICATES_HTML_VIEW]
removed_temp_files:
  description: Temporary files left by an interrupted run beside the file (C(.NAME.XXXXXXXX.tmp)) that this
    run removed, or in check mode would remove.
  returned: success
  type: list
  elements: str
  sample: [/edx/etc/.lms.yml.k2j4_x9q.tmp]
backup_file:
  description: Name of the backup file, when O(backup=true) and the file changed.
  returned: changed and O(backup=true)
  type: str
  sample: /edx/etc/lms.yml.2417.2024-05-01@10:11:12~
diff:
  description: "With C(--diff), the changed keys only, one C(key: value) line each (values as JSON,
    secret ones and the user and password of URLs as C(********))."
  returned: diff mode
  type: dict
  sample:
    before: "FEATURES.CERTIFICATES_HTML_VIEW: false\n"
    after: "FEATURES.CERTIFICATES_HTML_VIEW: true\n"
    before_header: /edx/etc/lms.yml
    after_header: /edx/etc/lms.yml
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.openedx_config_file import (
    ConfigFileError,
    decode_text,
    detect_format,
    diff_texts,
    locked_file,
    plan_edit,
    read_fd,
    remove_stale_temp_files,
    resolve_path,
    stale_temp_files,
    write_atomically,
)
from ansible.module_utils.openedx_secrets import mask_settings, scrub, secret_strings
from ansible.module_utils.openedx_yaml_text import HAS_YAML, YAML_IMPORT_ERROR


def _secrets_of(params):
    found = set()
    for key, value in (params.get("settings") or {}).items():
        secret_strings(key, value, found)
    return found


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True, aliases=["dest"]),
            settings=dict(type="dict", default={}),
            remove=dict(type="list", elements="str", default=[]),
            format=dict(type="str", default="auto", choices=["auto", "json", "yaml"]),
            backup=dict(type="bool", default=False),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
        # The setting values may be passwords under any key name, so the
        # usual per-option no_log cannot protect them: turn off the syslog
        # record of the invocation, and replace the settings in
        # module.params by a masked copy: exit_json/fail_json (ours and
        # those called inside atomic_move & co.) report module.params as
        # the invocation.
        no_log=True,
    )
    params = module.params
    settings = params["settings"] or {}
    secrets = _secrets_of(params)
    params["settings"] = mask_settings(settings)
    path = params["path"]

    def fail(msg, **kwargs):
        module.fail_json(msg=scrub(msg, secrets), path=path, **kwargs)

    result = dict(changed=False, path=path, changed_keys=[], removed_temp_files=[])
    try:
        real = resolve_path(path)
        fmt_hint = detect_format(real, params["format"])
        if fmt_hint == "yaml" and not HAS_YAML and params["format"] != "auto":
            module.fail_json(msg=missing_required_lib("PyYAML") + " (needed to edit the YAML file %s)" % path,
                             exception=str(YAML_IMPORT_ERROR), path=path)
        with locked_file(real, exclusive=not module.check_mode) as fd:
            # Holding the lock, no run of ours is between creating its temp
            # file and renaming it: any such file here is from a run that was
            # killed, a copy of the config with its secrets. (In check mode
            # the lock is shared, which keeps writers out just as well.)
            if module.check_mode:
                stale, failed = stale_temp_files(real), []
            else:
                stale, failed = remove_stale_temp_files(real)
            if stale:
                module.warn("%s temporary file(s) left by an interrupted run beside %s: %s"
                            % ("would remove" if module.check_mode else "removed", path, ", ".join(stale)))
                result.update(removed_temp_files=stale, changed=True)
            for name, reason in failed:
                module.warn("cannot remove %s, a temporary file left by an interrupted run (it holds a copy of "
                            "the config): %s" % (name, reason))
            raw = read_fd(fd)
            text, restore = decode_text(raw, path)
            fmt = detect_format(real, params["format"], text)
            if fmt == "yaml" and not HAS_YAML:
                module.fail_json(msg=missing_required_lib("PyYAML") + " (needed to edit the YAML file %s)" % path,
                                 exception=str(YAML_IMPORT_ERROR), path=path)
            plan = plan_edit(text, fmt, settings, params["remove"], label=path)
            for warning in plan.warnings:
                module.warn(scrub(warning, secrets))
            result.update(real_path=real, format=fmt, changed_keys=plan.changed_keys,
                          changed=plan.changed or result["changed"])
            if plan.changed and module._diff:
                before, after = diff_texts(plan.changes)
                result["diff"] = dict(before=scrub(before, secrets), after=scrub(after, secrets),
                                      before_header=path, after_header=path)
            if plan.changed and not module.check_mode:
                backup_file = write_atomically(module, real, restore(plan.new_text), backup=params["backup"],
                                               label=path)
                if backup_file:
                    result["backup_file"] = backup_file
    except ConfigFileError as exc:
        fail(str(exc))
    except (IOError, OSError) as exc:
        fail("cannot update %s: %s" % (path, exc.strerror or exc.__class__.__name__))
    except Exception as exc:  # e.g. backup_local; its message names files only
        fail("cannot update %s: %s" % (path, exc))

    file_args = module.load_file_common_arguments(params, path=result.get("real_path", path))
    result["changed"] = module.set_fs_attributes_if_different(file_args, result["changed"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
