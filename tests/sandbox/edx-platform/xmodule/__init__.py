"""The sandbox's stand-in for edx-platform's xmodule package (see modulestore/django.py)."""
