"""Safe storage of uploaded documents: a size limit, types recognised from the content (not the
name or the client's content type), sanitised names, and content addressing by SHA-256.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from shian.core.errors import Invalid, TooLarge

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# The first bytes of each accepted type. Anything else is refused, whatever its extension says.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_CHUNK = 64 * 1024


def max_bytes() -> int:
    """The upload limit (setting ``SHIAN_DOCUMENT_MAX_BYTES``, 10 MB by default)."""
    return int(getattr(settings, "SHIAN_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(head: bytes) -> str | None:
    """The content type recognised from a file's first bytes, or None."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]+")


def safe_name(name: str) -> str:
    """A file name fit to show and to offer on download: no directories, control or reserved characters."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = _UNSAFE.sub("_", base).strip(" ._")
    return base[-150:] if base else "document"


@dataclass(frozen=True)
class Checked:
    """An upload that passed the checks."""

    sha256: str
    size: int
    content_type: str
    name: str


def check_upload(file: IO[bytes] | Any, name: str, size: int | None = None) -> Checked:
    """Hash the file in chunks, enforce the size limit and recognise its type; raise 413/400 otherwise."""
    limit = max_bytes()
    if size is not None and size > limit:
        raise _too_large(limit)
    digest = hashlib.sha256()
    total = 0
    head = b""
    file.seek(0)
    while chunk := file.read(_CHUNK):
        if not head:
            head = chunk[:16]
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        digest.update(chunk)
    file.seek(0)
    if total == 0:
        raise Invalid(_("The file is empty."), code="document_empty", field="file")
    content_type = sniff(head)
    if content_type is None:
        raise Invalid(_("Only PDF, PNG and JPEG files are accepted."), code="document_type", field="file")
    return Checked(digest.hexdigest(), total, content_type, safe_name(name))


def _too_large(limit: int) -> TooLarge:
    return TooLarge(_("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"}, code="document_too_large", field="file",
                    details={"max_bytes": limit})
