#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the Open edX Ansible toolkit
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: openedx_facts
short_description: Find out what an Open edX host runs, without starting the platform
version_added: "0.1.0"
description:
  - Looks at files only (it never imports or starts the platform) and returns the fact RV(ansible_facts.openedx)
    describing the Open edX installation of a native (old official Ansible repository) host.
  - "The YAML config is O(lms_cfg), else the file that E(LMS_CFG) names in C(edxapp_env) (in O(config_root)),
    else C(lms.yml) in O(yaml_config_dir) (C(/edx/etc/lms.yml))."
  - "Generation V(legacy) (Hawthorn and earlier) when C(lms/envs/aws.py) and C(lms.env.json) in O(config_root)
    exist and the YAML config does not. Otherwise generation V(modern) (Ironwood and later) when the YAML config
    exists and C(lms/envs/production.py) exists too or C(lms/envs/aws.py) does not. Otherwise, when only one of
    the two settings modules exists, it decides (C(aws.py) means V(legacy), C(production.py) means V(modern));
    when both or neither exist, the release line decides (V(legacy) up to Hawthorn, V(modern) from Ironwood on)."
  - The release line is read from C(openedx/core/release.py) (C(RELEASE_LINE)) with a regular expression.
  - "The release (RV(ansible_facts.openedx.release)) is the one C(RELEASE_LINE) names (C(redwood),
    C(open-release/redwood.3), C(release/ulmo.3), ...). When C(RELEASE_LINE) names none (V(master) on an
    unreleased checkout, or no file) the files place it at the oldest release they prove:
    C(openedx/core/lib/features_setting_proxy.py) (the FEATURES proxy) means Ulmo or later,
    C(lms/djangoapps/certificates/management/commands/regenerate_noidv_cert.py) Nutmeg or later,
    C(cert_generation.py) Maple or later. When nothing places it the release is null and
    RV(ansible_facts.openedx.release_problem) says why (the certificates role refuses such a host)."
  - The module fails when C(RELEASE_LINE) names a release it does not know (a release after Verawood, a fork's
    own name), since where that release reads the certificate flag cannot be told, and it is not guessed.
  - The module fails when O(platform_dir) holds no platform (neither C(manage.py) nor C(lms/envs)).
  - Editing C(lms.env.json) on a modern host changes nothing the platform reads; use this module's
    RV(ansible_facts.openedx.config_files) to pick the file to edit.
options:
  platform_dir:
    description: Where edx-platform is checked out.
    type: path
    default: /edx/app/edxapp/edx-platform
  generation:
    description:
      - V(auto) detects the generation from the files (and the release line), and fails when they tell nothing.
      - V(legacy) or V(modern) override detection, but the module fails when the files on disk contradict the
        choice. V(legacy) needs C(lms/envs/aws.py) and a release line that is not modern (for example it fails
        on a host that has C(/edx/etc/lms.yml) and no C(lms/envs/aws.py)); V(modern) needs
        C(lms/envs/production.py) and a release line that is not legacy.
    type: str
    choices: [ auto, legacy, modern ]
    default: auto
  config_root:
    description:
      - Folder of the legacy JSON config files (the platform's E(CONFIG_ROOT)) and of C(edxapp_env).
      - Default is the folder above O(platform_dir). When given, the legacy
        RV(ansible_facts.openedx.environment) fact sets E(CONFIG_ROOT).
    type: path
  yaml_config_dir:
    description: Folder of the modern YAML config files C(lms.yml) and C(studio.yml).
    type: path
    default: /edx/etc
  lms_cfg:
    description:
      - The modern LMS config file (what E(LMS_CFG) names). Default is E(LMS_CFG) from C(edxapp_env) in
        O(config_root) if set there, else C(lms.yml) in O(yaml_config_dir).
    type: path
  studio_cfg:
    description:
      - The modern Studio config file (E(STUDIO_CFG)/E(CMS_CFG)). Default is E(STUDIO_CFG), else E(CMS_CFG),
        from C(edxapp_env) in O(config_root) if set there, else C(studio.yml) in O(yaml_config_dir).
    type: path
  python:
    description: The platform's Python interpreter, reported in RV(ansible_facts.openedx.python) when it exists.
    type: path
    default: /edx/app/edxapp/venvs/edxapp/bin/python
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.facts
attributes:
  check_mode:
    support: full
    details: The module only reads files; check mode runs the same way.
  diff_mode:
    support: none
  facts:
    support: full
  platform:
    platforms: posix
notes:
  - RV(ansible_facts.openedx.lms_https) is read from the LMS config file, when it exists (C(LMS_ROOT_URL)
    scheme, else the C(HTTPS) key); reading a YAML config needs PyYAML on the managed host, and reading a 0640
    file needs privileges (C(become)). When the file cannot be read or parsed,
    RV(ansible_facts.openedx.lms_https) is null and a warning says why; it is null without a warning when
    the file is missing or says nothing.
  - Tutor installs are containers with their own layout and are not detected.
seealso:
  - module: openedx_env_config
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Find out what this host runs
  openedx_facts:

- name: Turn on HTML certificates in the file this host really reads
  openedx_env_config:
    path: "{{ openedx.config_files.lms }}"
    settings:
      FEATURES.CERTIFICATES_HTML_VIEW: true

- name: Generate certificates with the command this release has
  ansible.builtin.debug:
    msg: "{{ 'ungenerated_certs' if openedx.commands.ungenerated_certs else 'cert_generation' }}"

- name: Print the URL of a learner's certificate, the one this release serves
  ansible.builtin.debug:
    msg: >-
      https://lms.example.org{{ openedx.certificate_url
      | replace('{verify_uuid}', 'c4f6ab2f9c2a4a8b8f0e3d1c2b3a4f5e')
      | replace('{user_id}', '42') | replace('{course_id}', 'course-v1:edX+DemoX+Demo_Course') }}

- name: Insist on a legacy host (fails with an explanation on Ironwood and later)
  openedx_facts:
    generation: legacy
"""

RETURN = r"""
ansible_facts:
  description: Facts to add to the host's variables.
  returned: always
  type: dict
  contains:
    openedx:
      description: What the host runs.
      returned: success
      type: dict
      contains:
        generation:
          description: V(legacy) (Hawthorn and earlier) or V(modern) (Ironwood and later), as detected or as asked.
          type: str
          sample: modern
        generation_detected:
          description:
            - What the files on disk say, by the rule of the description (the release line when the files
              leave it open).
            - Null when neither tells (only possible with O(generation=legacy) or O(generation=modern)).
          type: str
          sample: modern
        release_line:
          description: C(RELEASE_LINE) from C(openedx/core/release.py), null when absent.
          type: str
          sample: lilac
        settings:
          description:
            - The Django settings name for C(--settings), V(aws) (legacy) or V(production) (modern).
            - E(EDX_PLATFORM_SETTINGS) from C(edxapp_env) replaces it when C(lms/envs/NAME.py) exists (else a
              warning says so).
          type: str
          sample: production
        platform_dir:
          description: The edx-platform folder.
          type: str
          sample: /edx/app/edxapp/edx-platform
        manage_py:
          description: Path of C(manage.py).
          type: str
          sample: /edx/app/edxapp/edx-platform/manage.py
        config_root:
          description: The legacy config folder (E(CONFIG_ROOT)), where C(edxapp_env) is looked for.
          type: str
          sample: /edx/app/edxapp
        config_files:
          description: The config files the platform reads; C(lms), C(cms), and for legacy also C(lms_auth), C(cms_auth).
          type: dict
          sample: {lms: /edx/etc/lms.yml, cms: /edx/etc/studio.yml}
        config_files_exist:
          description: For each entry of RV(ansible_facts.openedx.config_files), whether the file exists.
          type: dict
          sample: {lms: true, cms: true}
        config_format:
          description: V(json) (legacy) or V(yaml) (modern).
          type: str
          sample: yaml
        environment:
          description:
            - Environment variables C(manage.py) needs.
            - E(LMS_CFG), E(STUDIO_CFG), E(CMS_CFG) for modern; E(CONFIG_ROOT) for legacy when O(config_root) is given.
          type: dict
          sample: {LMS_CFG: /edx/etc/lms.yml, STUDIO_CFG: /edx/etc/studio.yml, CMS_CFG: /edx/etc/studio.yml}
        env_file:
          description: The C(edxapp_env) file in O(config_root), null when there is none.
          type: str
          sample: /edx/app/edxapp/edxapp_env
        service_manager:
          description:
            - V(supervisor) when C(/edx/bin/supervisorctl) exists, else V(systemd) when an C(lms.service) unit
              exists (in C(/etc/systemd/system), C(/lib/systemd/system) or C(/usr/lib/systemd/system)), else
              V(unknown).
          type: str
          sample: supervisor
        supervisorctl:
          description: The supervisorctl wrapper when the service manager is V(supervisor), else null.
          type: str
          sample: /edx/bin/supervisorctl
        services:
          description:
            - Program or unit names for C(lms), C(cms) and C(workers) (null when absent).
            - With supervisor always V(lms), V(cms) and V(edxapp_worker:); with systemd V(lms), and V(cms) and
              V(edxapp-workers) when those units exist.
          type: dict
          sample: {lms: lms, cms: cms, workers: "edxapp_worker:"}
        commands:
          description: Which certificate management commands exist (C(ungenerated_certs), C(gen_cert_report),
            C(cert_generation), C(regenerate_noidv_cert)).
          type: dict
          sample: {ungenerated_certs: false, gen_cert_report: false, cert_generation: true, regenerate_noidv_cert: true}
        release:
          description:
            - The release the host runs, lower-case (V(hawthorn) ... V(maple), V(nutmeg), V(olive), V(palm),
              V(quince), V(redwood), V(sumac), V(teak), V(ulmo), V(verawood)); for an unnamed release line, the
              oldest release the files prove (see the description). Null when nothing places it.
          type: str
          sample: verawood
        release_source:
          description: V(release_line) or V(files), how RV(ansible_facts.openedx.release) was placed; null when it
            was not.
          type: str
          sample: release_line
        release_problem:
          description: Why the release could not be placed, or null.
          type: str
        features_proxy:
          description:
            - Whether C(FEATURES) is a proxy over flat settings (Ulmo and later, C(features_setting_proxy.py)).
              There a C(FEATURES) block in the YAML config is still copied into the flat settings, and a flat
              top-level key is a setting too. The release line decides when it names a release; a file that
              contradicts it gives a warning.
          type: bool
          sample: true
        html_view_flag_keys:
          description:
            - The dotted config keys to set to turn on HTML certificates for every reader of this release, for
              M(openedx_env_config).
            - "V([FEATURES.CERTIFICATES_HTML_VIEW]) up to Teak (the C(FEATURES) block is where the platform
              reads it); from Ulmo on also the flat top-level C(CERTIFICATES_HTML_VIEW): Ulmo and Verawood read
              C(settings.FEATURES), which the YAML C(FEATURES) block feeds, and Studio on master after Verawood
              reads the flat setting, which the flat key feeds."
          type: list
          elements: str
          sample: [FEATURES.CERTIFICATES_HTML_VIEW, CERTIFICATES_HTML_VIEW]
        certificate_policy:
          description:
            - Which parts of the certificate generation policy the platform on disk has, read from its files.
            - C(auto_generation_switch) - the waffle switch C(certificates.auto_certificate_generation) (named in
              C(lms/djangoapps/certificates/config.py)).
            - C(self_generation_configuration) - the model C(CertificateGenerationConfiguration) (in
              C(lms/djangoapps/certificates/models.py)).
            - C(course_generation_settings) - the model C(CertificateGenerationCourseSetting) (same file).
          type: dict
          sample: {auto_generation_switch: true, self_generation_configuration: true, course_generation_settings: true}
        audit_cert_cutoff_supported:
          description: Whether the release still reads C(AUDIT_CERT_CUTOFF_DATE) (up to Lilac; removed in Maple).
          type: bool
          sample: true
        audit_cert_cutoff_source:
          description:
            - How that was decided, V(release_line) or V(lms/envs/common.py) (for C(master) or unknown release
              lines, whether C(lms/envs/common.py) mentions C(AUDIT_CERT_CUTOFF_DATE)).
          type: str
          sample: release_line
        lms_https:
          description:
            - Whether the LMS is served over HTTPS, from the LMS config file (C(LMS_ROOT_URL) scheme, else
              C(HTTPS)); null when unknown.
          type: bool
          sample: true
        certificate_url:
          description:
            - The path of a learner's certificate page on this release, a pattern with C({verify_uuid}),
              C({user_id}) and C({course_id}) to fill in (C(str.format), or Jinja's C(replace)); prefix it
              with the LMS root URL.
            - C(/certificates/{verify_uuid}) (the certificate's C(verify_uuid)) from Eucalyptus on, and for
              an unknown or C(master) release line. From Lilac on it is the only URL that renders a
              certificate, C(/certificates/user/{user_id}/course/{course_id}) answers "URL Not Supported"
              there; up to Hawthorn the user/course URL renders the certificate too.
            - C(/certificates/user/{user_id}/course/{course_id}) for releases before Eucalyptus (Aspen to
              Dogwood), which have no uuid URL.
          type: str
          sample: /certificates/{verify_uuid}
        python:
          description: O(python) when it exists, else null.
          type: str
          sample: /edx/app/edxapp/venvs/edxapp/bin/python
        evidence:
          description: The files and markers that were looked at, for troubleshooting.
          type: list
          elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.openedx_host import DetectionError, detect


def main():
    module = AnsibleModule(
        argument_spec=dict(
            platform_dir=dict(type="path", default="/edx/app/edxapp/edx-platform"),
            generation=dict(type="str", default="auto", choices=["auto", "legacy", "modern"]),
            config_root=dict(type="path"),
            yaml_config_dir=dict(type="path", default="/edx/etc"),
            lms_cfg=dict(type="path"),
            studio_cfg=dict(type="path"),
            python=dict(type="path", default="/edx/app/edxapp/venvs/edxapp/bin/python"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        facts, warnings = detect(
            platform_dir=params["platform_dir"],
            generation=params["generation"],
            config_root=params["config_root"],
            yaml_config_dir=params["yaml_config_dir"],
            lms_cfg=params["lms_cfg"],
            studio_cfg=params["studio_cfg"],
            python=params["python"],
        )
    except DetectionError as exc:
        module.fail_json(msg=str(exc))
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=False, ansible_facts={"openedx": facts})


if __name__ == "__main__":
    main()
