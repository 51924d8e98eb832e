"""The sandbox's modulestore (see django.py)."""
