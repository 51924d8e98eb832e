"""
The certificates app's toggles, as edx-platform's
lms/djangoapps/certificates/config.py: AUTO_CERTIFICATE_GENERATION is the
waffle switch ``certificates.auto_certificate_generation`` (namespace
``certificates``, default off, created 2017-09-14;
docs/research/release-redwood.md 2.4, read in the 2025/26 copy and the 2023
reference). The real one is an edx-toggles ``WaffleSwitch``, whose
``is_enabled()`` is django-waffle's ``switch_is_active``: a row of
``waffle_switch`` with ``active`` true; no row means off (the sandbox, like
the platform, leaves WAFFLE_SWITCH_DEFAULT at False).
"""
import waffle


class WaffleSwitch:
    """What edx_toggles.toggles.WaffleSwitch does for the certificates app."""

    def __init__(self, name, module_name=None):
        self.name = name
        self.module_name = module_name

    def is_enabled(self):
        return waffle.switch_is_active(self.name)


AUTO_CERTIFICATE_GENERATION = WaffleSwitch("certificates.auto_certificate_generation", __name__)
