#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openedx_certificate_theme
short_description: Deploy an organization's certificate templates and assets into edx-platform, all or nothing
version_added: "0.1.0"
description:
  - "Takes a theme folder on the host (O(src)): C(templates/) holds files that override those of
    C(lms/templates/certificates/) (C(valid.html), the partials C(_*.html), ...), C(static/) holds
    images, css and fonts for C(lms/static/certificates/) (C(images/), C(css/), C(fonts/), ...).
    Hidden files and folders, and files at the top of the theme folder (a README, variables), are
    skipped; files in any other folder, and symbolic links, are refused."
  - "Every template must escape what it writes: it needs C(<%page expression_filter=\"h\"/>) (the
    platform's template engine escapes nothing by default, and the platform's own certificate
    templates all carry that tag) and may not turn escaping off with C(| n). Otherwise the HTML view
    configuration's and the course's texts reach the page raw. A template that breaks this fails
    the module with the file and the line, and nothing on the host is touched, unless
    O(allow_unescaped=true)."
  - "First EVERY template of the theme is compiled with the platform's template engine, Mako, run by
    the platform's own interpreter (O(python), not C(manage.py)). A template
    that does not compile fails the module with the file and the line, and nothing on the host is
    touched."
  - "Then the files are written into O(platform_dir) (temporary file and rename, owner O(owner), group
    O(group), mode O(mode); missing folders get O(directory_mode)). A platform file that a theme
    file replaces is first copied to O(backup_dir). A manifest (O(manifest)) records every file the
    module put there, with its checksum and whether a backup was made. If writing fails midway, the
    files written so far stay and the manifest records them; run the module again once the cause is
    fixed."
  - "Files of a previous deployment that are no longer in the theme are given back: the backup is
    restored, or the file is removed when there was none before. Such a file changed on the host
    since the module wrote it is left alone, with a warning (a changed file that is still in the
    theme is written again). With O(state=absent) every file of the manifest is given back that way
    and the manifest is removed. The module never removes or overwrites a file it did not put there
    without keeping a backup."
options:
  src:
    description:
      - The theme on the host, a folder or a tar archive of one (extracted to a temporary folder;
        members outside it, and members that are neither files nor folders, are refused). Required
        with O(state=present).
    type: path
  state:
    description:
      - V(present) deploys O(src); V(absent) gives back every file of the manifest.
    type: str
    choices: [present, absent]
    default: present
  platform_dir:
    description: The edx-platform checkout (it must hold C(manage.py)).
    type: path
    default: /edx/app/edxapp/edx-platform
  python:
    description: The platform's Python interpreter, which must have Mako (it renders the certificate pages).
    type: path
    default: /edx/app/edxapp/venvs/edxapp/bin/python
  allow_unescaped:
    description:
      - Deploy templates that lack C(<%page expression_filter="h"/>) or use C(| n), with a warning for
        each, instead of refusing them. Only for templates whose every value you trust.
    type: bool
    default: false
  manifest:
    description: Where the record of the deployed files is kept on the host.
    type: path
    default: /edx/var/edxapp/openedx-toolkit/theme-manifest.json
  backup_dir:
    description: Where platform files replaced by the theme are kept (same relative paths as in O(platform_dir)).
    type: path
    default: /edx/var/edxapp/openedx-toolkit/theme-backup
  owner:
    description: Owner of the deployed files and created folders.
    type: str
    default: edxapp
  group:
    description: Group of the deployed files and created folders (the web processes read them).
    type: str
    default: www-data
  mode:
    description: Mode of the deployed files, an octal string.
    type: str
    default: '0640'
  directory_mode:
    description: Mode of folders the module creates, an octal string.
    type: str
    default: '0750'
extends_documentation_fragment:
  - action_common_attributes
  - action_common_attributes.files
attributes:
  check_mode:
    support: full
    details: Compiles the templates and reports what would be written,
      replaced, restored or removed.
  diff_mode:
    support: full
    details: One line per file, V(create), V(replace), V(update), V(restore), V(remove), V(adopt) (a
      platform file equal to the theme's, recorded with a backup) or V(forget) (a file of the manifest,
      without a backup, that is no longer on the host); changes of owner, group or mode only are not shown.
  platform:
    platforms: posix
  safe_file_operations:
    support: partial
    details: Deployed and restored files and the manifest are written through a temporary file renamed
      over the target; backups are plain copies.
  vault:
    support: none
notes:
  - On a host whose static files are collected (C(collectstatic), served by nginx from C(STATIC_ROOT)),
    run the platform's asset update after a change of C(static/).
seealso:
  - module: openedx_env_config
author:
  - Open edX certificates toolkit contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Copy the look to the host
  ansible.builtin.copy:
    src: examples/certificate-theme/
    dest: /edx/var/edxapp/openedx-toolkit/theme-src/
    mode: preserve

- name: Compile every template, then deploy
  openedx_certificate_theme:
    src: /edx/var/edxapp/openedx-toolkit/theme-src
  become: true

- name: Give the platform its own files back
  openedx_certificate_theme:
    state: absent
  become: true
'''

RETURN = r'''
files:
  description:
    - What was (or would be) done per platform-relative path, one of V(create), V(replace), V(update),
      V(restore), V(remove), V(adopt), V(forget), V(keep_modified) (no longer in the theme but changed
      on the host, left alone) and V(attributes) (owner, group or mode set again).
  returned: always
  type: dict
  sample: {"lms/templates/certificates/_accomplishment-header.html": "replace", "lms/static/certificates/images/logo-example.png": "create"}
templates:
  description: The templates of the theme, platform-relative (all compiled).
  returned: always
  type: list
  elements: str
errors:
  description: The templates that would write values unescaped, or that do not compile.
  returned: failure
  type: list
  elements: dict
  contains:
    file:
      description: The template, relative to the theme folder.
      type: str
    target:
      description: The template, platform-relative.
      returned: for templates that do not compile
      type: str
    line:
      description: The line of the problem (null when unknown).
      type: int
    error:
      description: What is wrong.
      type: str
backups:
  description: Backups made in this run, platform-relative path to backup file.
  returned: success
  type: dict
manifest:
  description: The manifest file.
  returned: always
  type: str
msg:
  description: Summary.
  returned: always
  type: str
'''

import atexit
import grp
import hashlib
import json
import os
import pwd
import shutil
import tarfile
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.openedx_state import write_json
from ansible.module_utils.openedx_theme import (
    BOOKKEEPING_ACTIONS,
    CHANGING_ACTIONS,
    COMPILE_SOURCE,
    MANIFEST_VERSION,
    ThemeError,
    diff_text,
    escaping_problems,
    is_template,
    plan_deploy,
    theme_targets,
)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(65536), b''):
            digest.update(block)
    return digest.hexdigest()


def file_sha(path):
    if os.path.islink(path) or not os.path.isfile(path):
        return None if not os.path.lexists(path) else 'not-a-regular-file'
    return sha256(path)


def walk_theme(src):
    found = []
    for folder, dirs, names in os.walk(src):
        dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
        for name in sorted(names):
            full = os.path.join(folder, name)
            if os.path.islink(full):
                raise ThemeError('%s is a symbolic link; a theme holds regular files only' % full)
            found.append(os.path.relpath(full, src).replace(os.sep, '/'))
    return found


def read_manifest(path):
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (IOError, OSError, ValueError) as exc:
        raise ThemeError('cannot read the manifest %s (%s); it records which files the toolkit deployed: '
                         'restore it from a backup, or move it away only after checking those files by hand'
                         % (path, exc))
    return data.get('files') or {}


def unescaped_templates(src, paths):
    """[(theme-relative file, line, message)] of templates that would write values raw."""
    found = []
    for path in paths:
        try:
            with open(path, 'rb') as handle:
                text = handle.read().decode('utf-8', 'replace')
        except (IOError, OSError) as exc:
            raise ThemeError('cannot read %s: %s' % (path, exc))
        for line, message in escaping_problems(text):
            found.append((os.path.relpath(path, src), line, message))
    return found


def compile_templates(module, python, paths):
    """[(path, line, error)] of templates that do not compile."""
    if not paths:
        return []
    if not os.path.exists(python):
        module.fail_json(msg='python %s does not exist: set python to the platform virtualenv interpreter '
                             '(the templates are compiled with the Mako of the platform)' % python)
    rc, out, err = module.run_command([python, '-c', COMPILE_SOURCE], data=json.dumps(paths))
    try:
        data = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        module.fail_json(msg='compiling the templates with %s failed (rc=%s): %s' % (python, rc, err.strip()[-2000:]))
    if data.get('import_error'):
        module.fail_json(msg='%s cannot import Mako (%s): set python to the interpreter of the platform '
                             'that renders the certificates' % (python, data['import_error']))
    return [(r['path'], r.get('line'), r.get('error')) for r in data['results'] if not r.get('ok')]


class Deployer:
    def __init__(self, module):
        self.module = module
        p = module.params
        self.platform_dir = p['platform_dir']
        self.backup_dir = p['backup_dir']
        self.uid = self._uid(p['owner'])
        self.gid = self._gid(p['group'])
        self.mode = int(p['mode'], 8)
        self.dir_mode = int(p['directory_mode'], 8)
        self.created_dirs = []

    def _uid(self, name):
        try:
            return pwd.getpwnam(name).pw_uid
        except KeyError:
            self.module.fail_json(msg='owner: no user %r on this host; set owner to the platform user' % name)

    def _gid(self, name):
        try:
            return grp.getgrnam(name).gr_gid
        except KeyError:
            self.module.fail_json(msg='group: no group %r on this host; set group to the web server group' % name)

    def dest(self, rel):
        return os.path.join(self.platform_dir, rel)

    def backup_path(self, rel):
        return os.path.join(self.backup_dir, rel)

    def make_dirs(self, folder, mode, uid, gid, stop):
        missing = []
        while folder and not os.path.isdir(folder) and folder != stop:
            missing.append(folder)
            folder = os.path.dirname(folder)
        for path in reversed(missing):
            os.mkdir(path)
            os.chmod(path, mode)
            os.chown(path, uid, gid)
            self.created_dirs.append(path)

    def write(self, source, rel):
        target = self.dest(rel)
        self.make_dirs(os.path.dirname(target), self.dir_mode, self.uid, self.gid, self.platform_dir)
        fd, tmp = tempfile.mkstemp(prefix='.openedx-theme-', dir=os.path.dirname(target))
        os.close(fd)
        shutil.copyfile(source, tmp)
        self.module.atomic_move(tmp, target, unsafe_writes=False)
        # atomic_move gives a new file the default mode: set ours after the rename.
        os.chown(target, self.uid, self.gid)
        os.chmod(target, self.mode)

    def backup(self, rel):
        path = self.backup_path(rel)
        self.make_dirs(os.path.dirname(path), 0o700, 0, 0, '/')
        shutil.copy2(self.dest(rel), path)
        stat = os.stat(self.dest(rel))
        os.chown(path, stat.st_uid, stat.st_gid)
        return path

    def restore(self, rel):
        path = self.backup_path(rel)
        target = self.dest(rel)
        fd, tmp = tempfile.mkstemp(prefix='.openedx-theme-', dir=os.path.dirname(target))
        os.close(fd)
        shutil.copy2(path, tmp)
        stat = os.stat(path)
        self.module.atomic_move(tmp, target, unsafe_writes=False)
        os.chown(target, stat.st_uid, stat.st_gid)
        os.chmod(target, stat.st_mode & 0o7777)
        os.remove(path)

    def attributes_differ(self, rel):
        stat = os.stat(self.dest(rel))
        return (stat.st_uid, stat.st_gid, stat.st_mode & 0o7777) != (self.uid, self.gid, self.mode)


def write_manifest(module, path, files, src):
    write_json(path, {'version': MANIFEST_VERSION, 'src': src, 'files': files})


def extract_archive(module, path):
    folder = tempfile.mkdtemp(prefix='openedx-theme-')
    try:
        with tarfile.open(path) as archive:
            members = archive.getmembers()
            for member in members:
                name = os.path.normpath(member.name)
                if name.startswith('..') or os.path.isabs(name) or not (member.isfile() or member.isdir()):
                    raise ThemeError('archive %s: member %s is outside the theme or not a regular file'
                                     % (path, member.name))
            archive.extractall(folder, members=members)
    except (tarfile.TarError, IOError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ThemeError('src %s is not a readable tar archive of a theme folder: %s' % (path, exc))
    except ThemeError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


ARGUMENT_SPEC = dict(
    src=dict(type='path'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    platform_dir=dict(type='path', default='/edx/app/edxapp/edx-platform'),
    python=dict(type='path', default='/edx/app/edxapp/venvs/edxapp/bin/python'),
    allow_unescaped=dict(type='bool', default=False),
    manifest=dict(type='path', default='/edx/var/edxapp/openedx-toolkit/theme-manifest.json'),
    backup_dir=dict(type='path', default='/edx/var/edxapp/openedx-toolkit/theme-backup'),
    owner=dict(type='str', default='edxapp'),
    group=dict(type='str', default='www-data'),
    mode=dict(type='str', default='0640'),
    directory_mode=dict(type='str', default='0750'),
)


def read_sources(module, src, result):
    """(manifest, {dest: sha256}, {dest: file in src}, [template dests]) of the theme at ``src``."""
    p = module.params
    try:
        manifest = read_manifest(p['manifest'])
        sources, source_paths, templates = {}, {}, []
        if p['state'] == 'present':
            if not os.path.isdir(src):
                module.fail_json(msg='src %s is not a folder or tar archive on the host' % p['src'], **result)
            targets = theme_targets(walk_theme(src))
            if not targets:
                module.fail_json(msg='src %s holds no theme files (templates/ or static/)' % p['src'], **result)
            for rel, dest in targets.items():
                full = os.path.join(src, rel)
                sources[dest] = sha256(full)
                source_paths[dest] = full
                if is_template(rel):
                    templates.append(dest)
    except ThemeError as exc:
        module.fail_json(msg=str(exc), **result)
    return manifest, sources, source_paths, templates


def check_templates(module, src, paths, source_paths, result):
    """Every template escapes what it writes and compiles, or the module fails and nothing is touched."""
    p = module.params
    try:
        unescaped = unescaped_templates(src, paths)
    except ThemeError as exc:
        module.fail_json(msg=str(exc), **result)
    if unescaped and not p['allow_unescaped']:
        result['errors'] = [{'file': f, 'line': line, 'error': error} for f, line, error in unescaped]
        module.fail_json(msg='%d template problem(s) would write values into the certificate page '
                             'unescaped, nothing was deployed: %s'
                             % (len(unescaped), '; '.join('%s line %s: %s' % e for e in unescaped)),
                         **result)
    for problem in unescaped:
        module.warn('%s line %s: %s (deployed anyway: allow_unescaped is true)' % problem)
    errors = compile_templates(module, p['python'], paths)
    if errors:
        by_source = dict((v, k) for k, v in source_paths.items())
        result['errors'] = [{'file': os.path.relpath(path, src), 'target': by_source.get(path),
                             'line': line, 'error': error} for path, line, error in errors]
        module.fail_json(msg='%d template(s) do not compile, nothing was deployed: %s'
                             % (len(errors), '; '.join('%s line %s: %s' % (e['file'], e['line'], e['error'])
                                                       for e in result['errors'])), **result)


def apply_plan(module, deployer, actions, fix_attrs, manifest, sources, source_paths, result):
    """Backups first, then writes, then attributes, restores and removals, then the manifest."""
    p = module.params
    new_manifest = dict((dest, manifest[dest]) for dest in sources if dest in manifest)
    try:
        for action, dest in actions:
            if action in ('replace', 'adopt'):
                result['backups'][dest] = deployer.backup(dest)
                new_manifest[dest] = {'sha256': sources[dest], 'backup': True}
            elif action in ('create', 'update'):
                entry = manifest.get(dest) or {}
                new_manifest[dest] = {'sha256': sources[dest], 'backup': bool(entry.get('backup'))}
        for action, dest in actions:
            if action in ('create', 'replace', 'update'):
                deployer.write(source_paths[dest], dest)
        # An adopted file is ours from now on: it gets our owner and mode now,
        # or the next run would change its attributes (not idempotent).
        adopted = [dest for action, dest in actions if action == 'adopt' and deployer.attributes_differ(dest)]
        for dest in fix_attrs + adopted:
            os.chown(deployer.dest(dest), deployer.uid, deployer.gid)
            os.chmod(deployer.dest(dest), deployer.mode)
        for action, dest in actions:
            if action == 'restore':
                deployer.restore(dest)
            elif action == 'remove':
                os.remove(deployer.dest(dest))
        if p['state'] == 'absent':
            if os.path.exists(p['manifest']):
                os.remove(p['manifest'])
        else:
            write_manifest(module, p['manifest'], new_manifest, p['src'])
    except (IOError, OSError) as exc:
        if p['state'] == 'present':
            write_manifest(module, p['manifest'], dict(manifest, **new_manifest), p['src'])
        module.fail_json(msg='deploying the theme failed at %s: %s; the manifest records what was written, '
                             'run again once fixed' % (getattr(exc, 'filename', ''), exc.strerror or exc), **result)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, required_if=[('state', 'present', ['src'])],
                           supports_check_mode=True)
    p = module.params
    for key in ('mode', 'directory_mode'):
        try:
            int(p[key], 8)
        except ValueError:
            module.fail_json(msg='%s: %r is not an octal mode such as 0644' % (key, p[key]))
    result = dict(changed=False, files={}, templates=[], backups={}, manifest=p['manifest'])
    if not os.path.isfile(os.path.join(p['platform_dir'], 'manage.py')):
        module.fail_json(msg='platform_dir %s has no manage.py: set platform_dir to the edx-platform checkout'
                             % p['platform_dir'], **result)
    src = p['src']
    if p['state'] == 'present' and os.path.isfile(src or ''):
        try:
            src = extract_archive(module, src)
        except ThemeError as exc:
            module.fail_json(msg=str(exc), **result)
        atexit.register(shutil.rmtree, src, True)
    manifest, sources, source_paths, templates = read_sources(module, src, result)
    result['templates'] = sorted(templates)

    # 1. Every template escapes what it writes and compiles, or nothing is touched.
    if p['state'] == 'present':
        check_templates(module, src, [source_paths[d] for d in sorted(templates)], source_paths, result)

    # 2. The plan.
    deployer = Deployer(module)
    current = dict((dest, file_sha(deployer.dest(dest))) for dest in set(sources) | set(manifest))
    actions = plan_deploy(sources, current, manifest)
    fix_attrs = [dest for dest in sources if current.get(dest) == sources[dest] and dest in manifest
                 and deployer.attributes_differ(dest)]
    result['files'] = dict((dest, action) for action, dest in actions)
    for dest in fix_attrs:
        result['files'][dest] = 'attributes'
    changing = [(a, d) for a, d in actions if a in CHANGING_ACTIONS]
    bookkeeping = [(a, d) for a, d in actions if a in BOOKKEEPING_ACTIONS]
    drop_manifest = p['state'] == 'absent' and os.path.exists(p['manifest'])
    # Adopting or forgetting a file writes the manifest (and a backup for an
    # adopted one): the host changes, even when no platform file does.
    result['changed'] = bool(changing or fix_attrs or bookkeeping or drop_manifest)
    if module._diff and (changing or bookkeeping):
        result['diff'] = dict(before='', after=diff_text(actions),
                              before_header='%s (theme files)' % p['platform_dir'],
                              after_header='%s (theme files)' % p['platform_dir'])
    for action, dest in actions:
        if action == 'keep_modified':
            module.warn('%s was deployed by the theme and changed on the host since; it is no longer in the '
                        'theme but is left as it is (its backup, if any, stays in %s)' % (dest, p['backup_dir']))
    if module.check_mode or not result['changed']:
        result['msg'] = ('%d file(s) would change' if module.check_mode else '%d file(s) changed') % len(changing)
        module.exit_json(**result)

    # 3. Apply.
    apply_plan(module, deployer, actions, fix_attrs, manifest, sources, source_paths, result)
    result['msg'] = '%d file(s) changed' % len(changing)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
