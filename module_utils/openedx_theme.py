# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate look (templates and assets) deployed into edx-platform: the pure parts.

A theme folder holds ``templates/`` (files that override those of
``lms/templates/certificates/``) and ``static/`` (files under
``lms/static/certificates/``: ``images/``, ``css/``, ``fonts/``, ...).

* ``theme_targets(files)``: theme-relative paths -> platform-relative paths;
  anything outside ``templates/`` and ``static/`` is refused.
* ``plan_deploy(sources, current, manifest)``: what to create, replace
  (backing up the platform's file), update, restore or remove, so that the
  host ends with exactly the theme's files and every file the toolkit did
  not put there is left alone or given back.
* ``escaping_problems(text)``: why a template would write values into the
  page unescaped (no ``<%page expression_filter="h"/>``, or ``| n``);
* ``COMPILE_SOURCE``: Python 2.7/3 source run with the platform's own
  interpreter (not ``manage.py``): compiles each template with Mako and
  reports ``file:line`` for those that do not compile.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import posixpath
import re

TEMPLATES_DEST = 'lms/templates/certificates'
STATIC_DEST = 'lms/static/certificates'
MANIFEST_VERSION = 1


class ThemeError(ValueError):
    """A theme the module cannot deploy; the message says why and what to do."""


def theme_targets(files):
    """``{theme_relative_path: platform_relative_path}``.

    ``templates/X`` -> ``lms/templates/certificates/X``, ``static/X`` ->
    ``lms/static/certificates/X``. Hidden files (``.keep``, editor files)
    and top-level files (a README, variables) are skipped. Files in other
    top-level folders are a ThemeError naming them.
    """
    targets = {}
    wrong = []
    for rel in sorted(files):
        norm = posixpath.normpath(rel.replace('\\', '/'))
        parts = norm.split('/')
        if norm == '..' or norm.startswith('../') or norm.startswith('/'):
            wrong.append(rel)
            continue
        if any(part.startswith('.') for part in parts):
            continue
        if len(parts) < 2:
            continue  # top-level files (a README, the HTML view variables) are not deployed
        if parts[0] == 'templates':
            targets[rel] = posixpath.join(TEMPLATES_DEST, *parts[1:])
        elif parts[0] == 'static':
            targets[rel] = posixpath.join(STATIC_DEST, *parts[1:])
        else:
            wrong.append(rel)
    if wrong:
        raise ThemeError('theme files outside templates/ and static/: %s. Put template overrides in '
                         'templates/ (they replace lms/templates/certificates/) and images, css, fonts in '
                         'static/ (lms/static/certificates/)' % ', '.join(wrong))
    return targets


def is_template(theme_rel):
    return theme_rel.replace('\\', '/').startswith('templates/')


def plan_deploy(sources, current, manifest):
    """What to do so that the platform holds exactly the theme's files.

    ``sources``: ``{dest: sha256}`` of the theme. ``current``: ``{dest:
    sha256 or None}`` on the host for every dest of ``sources`` and of the
    manifest. ``manifest``: ``{dest: {"sha256": ..., "backup": bool}}``
    of the previous deployment.

    Returns a list of ``(action, dest)`` sorted by dest, with actions:
    ``create`` (nothing there), ``replace`` (a platform file is there: back
    it up first), ``update`` (ours, different content), ``restore`` (ours,
    no longer in the theme, the platform's file was backed up: put it back),
    ``remove`` (ours, no longer in the theme, nothing was there before),
    ``keep_modified`` (ours, no longer in the theme, but changed on the host
    since we wrote it: left alone). Files already right get no action.
    """
    actions = []
    for dest in sorted(sources):
        here = current.get(dest)
        if here is None:
            actions.append(('create', dest))
        elif dest in manifest:
            if here != sources[dest]:
                actions.append(('update', dest))
        elif here != sources[dest]:
            actions.append(('replace', dest))
        else:
            # The platform already has this very file: adopt it without a backup
            # of a different original (there is none to keep).
            actions.append(('adopt', dest))
    for dest in sorted(set(manifest) - set(sources)):
        entry = manifest[dest] or {}
        here = current.get(dest)
        if here is not None and entry.get('sha256') and here != entry['sha256']:
            actions.append(('keep_modified', dest))
        elif entry.get('backup'):
            actions.append(('restore', dest))
        elif here is not None:
            actions.append(('remove', dest))
        else:
            actions.append(('forget', dest))
    return sorted(actions, key=lambda item: item[1])


CHANGING_ACTIONS = ('create', 'replace', 'update', 'restore', 'remove')
# No platform file changes, but the manifest does (and an adopted file gets
# a backup): a change of the host all the same.
BOOKKEEPING_ACTIONS = ('adopt', 'forget')


def diff_text(actions):
    """One line per action that changes the host, for --diff."""
    return ''.join('%s %s\n' % (action, dest) for action, dest in actions
                   if action in CHANGING_ACTIONS + BOOKKEEPING_ACTIONS)


# edxmako renders every template with default_filters=['decode.utf8'] on
# every release (common/djangoapps/edxmako/paths.py, add_lookup): nothing is
# escaped unless the template asks. The platform's own certificate templates
# ask with <%page expression_filter="h"/> on their first line (see
# docs/research/certificate-template-escaping.md), and the tag covers only
# the file it is in: a theme override without it writes platform_name, the
# logo and footer URLs and the course's texts into the page raw.
_PAGE_FILTER_RE = re.compile(r'''<%page\b[^>]*?\bexpression_filter\s*=\s*(["'])(.*?)\1''', re.S)
_EXPRESSION_RE = re.compile(r'\$\{(.*?)\}', re.S)
PAGE_FILTER_TAG = '<%page expression_filter="h"/>'


def _filters(text):
    return [part.strip() for part in text.split(',') if part.strip()]


def escaping_problems(text):
    """``[(line, message)]`` of the reasons ``text`` (a Mako template) would
    write values into the page without HTML-escaping them.

    Mako comments (lines starting with ``##``) do not count.
    """
    code = '\n'.join('' if line.lstrip().startswith('##') else line for line in text.split('\n'))
    problems = []
    pages = [m for m in _PAGE_FILTER_RE.finditer(code) if 'h' in _filters(m.group(2))]
    if not pages:
        problems.append((1, 'has no %s: the platform (edxmako) escapes nothing by default, so every '
                            '${...} of this file would reach the page raw; add it as the first line, as '
                            "every certificate template of the platform has it" % PAGE_FILTER_TAG))
    for match in _EXPRESSION_RE.finditer(code):
        expression, _bar, filters = match.group(1).rpartition('|')
        if expression and 'n' in _filters(filters):
            line = code.count('\n', 0, match.start()) + 1
            problems.append((line, 'writes ${%s} unescaped ("| n" turns every filter off); drop "| n", '
                                   'or wrap trusted markup in HTML() as the platform does'
                                   % match.group(1).strip()[:80]))
    return problems


COMPILE_SOURCE = r'''
import json
import sys
try:
    from mako.template import Template
    from mako import exceptions as mako_exceptions
except ImportError as exc:
    sys.stdout.write(json.dumps({'import_error': '%s' % (exc,)}))
    sys.exit(0)

results = []
for path in json.loads(sys.stdin.read()):
    entry = {'path': path, 'ok': True}
    try:
        Template(filename=path, input_encoding='utf-8', strict_undefined=False)
    except (mako_exceptions.SyntaxException, mako_exceptions.CompileException) as exc:
        entry.update(ok=False, line=getattr(exc, 'lineno', None), error='%s' % (exc,),
                     kind=type(exc).__name__)
    except SyntaxError as exc:
        entry.update(ok=False, line=exc.lineno, error='%s' % (exc,), kind='SyntaxError')
    except UnicodeError as exc:
        entry.update(ok=False, line=None, error='not UTF-8 text: %s' % (exc,), kind='UnicodeError')
    except Exception as exc:
        entry.update(ok=False, line=getattr(exc, 'lineno', None), error='%s' % (exc,),
                     kind=type(exc).__name__)
    results.append(entry)
sys.stdout.write(json.dumps({'results': results}))
'''
