"""Checking uploaded files by their content, not by their name."""

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    signature: bytes


ALLOWED_KINDS = (
    FileKind("application/pdf", ".pdf", b"%PDF-"),
    FileKind("image/png", ".png", b"\x89PNG\r\n\x1a\n"),
    FileKind("image/jpeg", ".jpg", b"\xff\xd8\xff"),
)


def check_upload(upload) -> FileKind:
    """Return the kind of an uploaded PDF, PNG or JPEG, judged by its first bytes.

    Raises a ValidationError with a Dutch message for anything else or anything too big.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Het bestand is groter dan 10 MB. Kies een kleiner bestand."), code="too_big"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for kind in ALLOWED_KINDS:
        if head.startswith(kind.signature):
            return kind
    raise ValidationError(
        _(
            "Dit bestand is geen PDF, PNG of JPEG (het portaal kijkt naar de inhoud, "
            "niet naar de naam). Kies een ander bestand."
        ),
        code="wrong_type",
    )


# Characters that are not allowed or not safe in a file name on common systems, and
# control characters (a line break would end a header).
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
DOWNLOAD_NAME_MAX = 120


def download_name(title: str, stored_name: str) -> str:
    """The file name a download is offered under: the title as readers see it (markup
    removed, characters unsafe in file names replaced by a space, at most 120
    characters), with the extension of the stored file, which the content check chose
    (`check_upload`). "Foto <b>groen</b>" becomes "Foto groen.png"."""
    text = _UNSAFE_IN_NAME.sub(" ", strip_tags(title))
    text = " ".join(text.split()).strip(" .")[:DOWNLOAD_NAME_MAX].strip(" .")
    kinds = {kind.extension for kind in ALLOWED_KINDS}
    extension = PurePosixPath(stored_name).suffix.lower()
    return f"{text or _('bijlage')}{extension if extension in kinds else ''}"
