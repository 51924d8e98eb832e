# -*- coding: utf-8 -*-
# Copyright: contributors to this project
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The toolkit's own state files on a host, written one way.

``write_json(path, data)`` replaces ``path`` with ``data`` as JSON so that a
reader sees the old file or the new one, never half of one: the text goes
to a temporary file in the same folder (a rename is atomic only within one
file system), is flushed to disk (fsync), and is renamed over ``path``. An
existing file keeps its owner, group and mode; a new one gets ``mode`` and
the owner and group of its folder's ``owner_of`` when given (a state file
that another user must rewrite later, such as the progress records the
platform user writes). The temporary file is removed on every failure.

Used for the migrations fingerprint (openedx_migrate) and the theme
manifest (openedx_certificate_theme).

Also used inside the platform process for the generation's progress records:
``openedx_runner_certs`` ships ``write_json`` there as its source text
(``inspect.getsource``), so it must stay self-contained (only ``json``,
``os`` and ``tempfile``) and run on Python 2.7 (``os.rename``, not
``os.replace``; no f-strings). The unit tests check both.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile


# Shipped into the platform process as text: see the module docstring.
def write_json(path, data, mode=0o644, owner_of=None):
    """Atomically write ``data`` (JSON-serialisable) to ``path``; raises OSError."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o755)
    try:
        current = os.stat(path)
    except OSError:
        current = None
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, 'w') as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write('\n')
            handle.flush()
            os.fsync(handle.fileno())
        if current is not None:
            os.chmod(tmp, current.st_mode & 0o7777)
            os.chown(tmp, current.st_uid, current.st_gid)
        else:
            os.chmod(tmp, mode)
            if owner_of:
                owner = os.stat(owner_of)
                os.chown(tmp, owner.st_uid, owner.st_gid)
        os.rename(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
