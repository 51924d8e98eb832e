"""
Settings shared by the sandbox LMS and Studio as module-level ("flat")
settings: Ulmo's and Verawood's openedx/envs/common.py.

Real files: openedx/envs/common.py is the shared settings module from Ulmo on
(Ulmo dev/operator release notes, openedx/docs.openedx.org
source/community/release_notes/ulmo/dev_op_release_notes.rst, which link it at
edx-platform commit cf48323639bf); lms/envs/common.py (store id 7597514517)
and cms/envs/common.py (store id 7205722340) of openedx-platform star-import
it and then bind ``FEATURES = FeaturesProxy(globals())``
(docs/research/release-ulmo-verawood.md 1.2). The flags the sandbox keeps
were keys of lms/envs/common.py's FEATURES dict before PR #37067 flattened it;
each is now a module-level setting with the same default:

- CERTIFICATES_HTML_VIEW = False: read as a flat module-level setting with
  its toggle docs (created 2015-03-13) in an envs/common.py of 2024+ content
  (store id 12625975871; which of the three common.py files it is could not
  be told from the store, so the sandbox puts it here, shared, as the LMS
  and Studio both default it to False);
- ENABLE_CERTIFICATES_IDV_REQUIREMENT = False: the flat default was NOT read
  (research "Not found"); False is the FEATURES default of Redwood
  (release-redwood.md 1.10) that the flattening moved;
- DISABLE_HONOR_CERTIFICATES, ENABLE_DISCUSSION_SERVICE,
  ENABLE_INSTRUCTOR_ANALYTICS, PREVIEW_LMS_BASE, AUTOMATIC_AUTH_FOR_TESTING,
  ENABLE_THIRD_PARTY_AUTH: the sandbox's other FEATURES keys, flat with the
  defaults of the 2023 FEATURES dict (not re-read one by one for 2026).

The lines before Ulmo have no such module: there lms/envs/common.py builds
its FEATURES dict from the same defaults (FEATURE_FLAGS_BEFORE_ULMO), so
that each default is written once.
"""

# .. toggle_name: CERTIFICATES_HTML_VIEW (Web/HTML certificates; enable it in both Studio and the LMS)
CERTIFICATES_HTML_VIEW = False
DISABLE_HONOR_CERTIFICATES = False
ENABLE_DISCUSSION_SERVICE = True
ENABLE_INSTRUCTOR_ANALYTICS = False
PREVIEW_LMS_BASE = "preview.localhost:8000"
AUTOMATIC_AUTH_FOR_TESTING = False
ENABLE_THIRD_PARTY_AUTH = False
# Only on the lines that have the flag (Redwood, Verawood); Verawood is the
# only one that star-imports this module.
ENABLE_CERTIFICATES_IDV_REQUIREMENT = False

# The FEATURES keys every line has (ENABLE_CERTIFICATES_IDV_REQUIREMENT is
# added by lms/envs/common.py where the release has it). Underscore-free but
# not a setting: star imports skip it through __all__ below.
FEATURE_FLAGS_BEFORE_ULMO = (
    "CERTIFICATES_HTML_VIEW",
    "DISABLE_HONOR_CERTIFICATES",
    "ENABLE_DISCUSSION_SERVICE",
    "ENABLE_INSTRUCTOR_ANALYTICS",
    "PREVIEW_LMS_BASE",
    "AUTOMATIC_AUTH_FOR_TESTING",
    "ENABLE_THIRD_PARTY_AUTH",
)

__all__ = list(FEATURE_FLAGS_BEFORE_ULMO) + ["ENABLE_CERTIFICATES_IDV_REQUIREMENT"]
