"""
FEATURES as a view of a settings module's own globals (Ulmo on).

Real file: openedx/core/lib/features_setting_proxy.py of edx-platform (PR
openedx/openedx-platform#37067, merged September 2025; the version read is
openedx/edx-platform@5587624b, the one docs/research/release-ulmo-verawood.md
1.1 takes for Ulmo and Verawood, "likely"; the later @override_settings
lookup of openedx/openedx-platform@3eb3f982, PR #38818, is post-Verawood and
not emulated). Written here from that description, not copied:

- ``FeaturesProxy(namespace)`` keeps the very dict it is given (the settings
  modules pass ``globals()``), not a copy; no namespace -> a new empty dict.
- reads (``[key]``, ``get``, ``in``, iteration, ``len``) are the namespace's:
  FEATURES["X"] is the module global X, and iterating FEATURES walks every
  global of the module, not only feature flags;
- a write (``[key] = value``, and ``update`` key by key in every form dict
  accepts) emits a DeprecationWarning "Accessing FEATURES as a dict is
  deprecated. Add 'KEY = VALUE' to your Django settings module instead of
  modifying FEATURES." (VALUE as repr) and then sets the global;
  Python's default filters hide that warning;
- ``del`` and ``clear`` remove globals; ``copy()`` is a new proxy over a
  shallow copy of the namespace, so writes to the copy reach nothing else.
"""
import warnings
from collections.abc import Mapping, MutableMapping


class FeaturesProxy(MutableMapping):
    """A dict-like FEATURES over a settings namespace (see the module docstring)."""

    def __init__(self, namespace=None):
        self.ns = namespace or {}

    def __getitem__(self, key):
        return self.ns[key]

    def __setitem__(self, key, value):
        warnings.warn(
            "Accessing FEATURES as a dict is deprecated. Add '%s = %r' to your Django settings module "
            "instead of modifying FEATURES." % (key, value),
            DeprecationWarning,
            stacklevel=2,
        )
        self.ns[key] = value

    def __delitem__(self, key):
        del self.ns[key]

    def __iter__(self):
        return iter(self.ns)

    def __len__(self):
        return len(self.ns)

    def __contains__(self, key):
        return key in self.ns

    def get(self, key, default=None):
        return self.ns.get(key, default)

    def clear(self):
        self.ns.clear()

    def update(self, other=(), /, **kwds):
        # Each key through __setitem__, so that each write warns.
        if isinstance(other, Mapping) or hasattr(other, "keys"):
            pairs = [(key, other[key]) for key in other.keys()]
        else:
            pairs = list(other)
        for key, value in pairs + list(kwds.items()):
            self[key] = value

    def copy(self):
        return FeaturesProxy(self.ns.copy())
