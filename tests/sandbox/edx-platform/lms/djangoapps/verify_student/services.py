"""
lms/djangoapps/verify_student/services.py: where the real platform defines
IDVerificationService, which the certificate code imports from here
(``from lms.djangoapps.verify_student.services import IDVerificationService``
in generation_handler.py). The sandbox's reduced class lives in models.py
next to its one verification table; this module is the import path.
"""
from .models import IDVerificationService  # noqa: F401
