"""Small views shared by the sandbox LMS and Studio."""
import json
import mimetypes
import os

from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse


def heartbeat(request):
    """Like openedx.core.djangoapps.heartbeat: 200 and a JSON body when all checks pass."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["sql"] = {"status": True, "message": "OK"}
    except Exception as exc:  # pylint: disable=broad-except
        checks["sql"] = {"status": False, "message": str(exc)}
    status = 200 if all(c["status"] for c in checks.values()) else 503
    return JsonResponse(checks, status=status)


def static_file(request, path):
    """Serve lms/static/ files (gunicorn serves them itself in the sandbox)."""
    root = os.path.realpath(settings.STATIC_ROOT_BASE)
    full = os.path.realpath(os.path.join(root, path))
    if not full.startswith(root + os.sep) or not os.path.isfile(full):
        raise Http404
    content_type = mimetypes.guess_type(full)[0] or "application/octet-stream"
    return FileResponse(open(full, "rb"), content_type=content_type)
