"""Where a tenant's files are stored and how they are handed out.

`tenants/<tenant id>/<kind>/<random>/<name>`: ids are never reused (a schema name can be, after
a workspace is deleted), and the random folder keeps names from colliding or being guessed. Files
are never served from a public URL: pages and the API give signed links (core/signing.py), which
open on the tenant's own host only, from whichever storage is configured (disk or S3).
"""

import mimetypes
import uuid
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename

from .signing import file_for_link

# Shown in the page; anything else is downloaded, so a stored file never runs as a page of ours.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


def tenant_file_path(tenant_id: int, kind: str, filename: str) -> str:
    return f"tenants/{tenant_id}/{kind}/{uuid.uuid4().hex}/{get_valid_filename(PurePosixPath(filename).name)}"


def file_download(request, token: str):
    tenant = getattr(request, "tenant", None)
    name = file_for_link(token, tenant_id=tenant.pk) if tenant is not None else None
    if name is None or not default_storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        default_storage.open(name, "rb"), content_type=content_type,
        as_attachment=content_type not in INLINE_TYPES, filename=PurePosixPath(name).name,
    )
    response["Cache-Control"] = "private, max-age=300"
    return response
