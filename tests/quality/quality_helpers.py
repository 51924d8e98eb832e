"""Helpers shared by the tests in tests/quality (discovery, running tools, argument specs)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import ansible.module_utils

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# Our modules import ``from ansible.module_utils.openedx_x import ...``: at run
# time ansible.cfg's module_utils path serves it; in-process, the folder goes
# on the package path (as tests/unit/conftest.py does).
if str(ROOT / "module_utils") not in ansible.module_utils.__path__:
    ansible.module_utils.__path__.append(str(ROOT / "module_utils"))
if str(ROOT / "library") not in sys.path:
    sys.path.insert(0, str(ROOT / "library"))


def module_names() -> list[str]:
    """Every module in library/ (discovered, so new modules are checked too)."""
    return sorted(p.stem for p in (ROOT / "library").glob("*.py") if not p.name.startswith("_"))


def role_dirs() -> list[Path]:
    """Every role that has a meta/argument_specs.yml or defaults (discovered)."""
    return sorted(p for p in (ROOT / "roles").iterdir() if p.is_dir() and (p / "tasks").is_dir())


def tool_env(**extra: str) -> dict[str, str]:
    """Environment for ansible command line tools run from the repository root."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["ANSIBLE_CONFIG"] = str(ROOT / "ansible.cfg")
    env["ANSIBLE_NOCOLOR"] = "1"
    env["ANSIBLE_FORCE_COLOR"] = "0"
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env


def run(cmd: list[str], timeout: int = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run a command from the repository root, output captured as text."""
    kwargs.setdefault("cwd", ROOT)
    kwargs.setdefault("env", tool_env())
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, check=False, **kwargs)


def describe(result: subprocess.CompletedProcess) -> str:
    """A command's result for an assertion message."""
    cmd = " ".join(str(c) for c in result.args)
    return f"$ {cmd}\nrc={result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


class _Captured(Exception):
    """Raised by the patched AnsibleModule constructor, carrying its arguments."""

    def __init__(self, args, kwargs):
        super().__init__("AnsibleModule constructor called")
        self.args_ = args
        self.kwargs = kwargs


def real_module_spec(name: str) -> dict:
    """The keyword arguments ``library/NAME.py``'s main() passes to AnsibleModule.

    The module is imported and its main() run with the AnsibleModule
    constructor replaced by one that records its arguments and aborts, so
    nothing else of the module runs.
    """
    from ansible.module_utils import basic

    module = importlib.import_module(name)
    original = basic.AnsibleModule.__init__

    def capture(self, *args, **kwargs):
        raise _Captured(args, kwargs)

    basic.AnsibleModule.__init__ = capture
    try:
        module.main()
    except _Captured as captured:
        kwargs = dict(captured.kwargs)
        if captured.args_:
            kwargs.setdefault("argument_spec", captured.args_[0])
        spec = dict(kwargs.get("argument_spec") or {})
        if kwargs.get("add_file_common_args"):
            # what AnsibleModule adds itself (documented through the files fragment)
            for key, value in basic.FILE_COMMON_ARGUMENTS.items():
                spec.setdefault(key, value)
        kwargs["argument_spec"] = spec
        return kwargs
    finally:
        basic.AnsibleModule.__init__ = original
    raise AssertionError(f"{name}.main() returned without constructing an AnsibleModule")
