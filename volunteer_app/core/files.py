"""What a file is, told by its first bytes: the name it came with and the type a browser claims prove nothing.
Every upload (a household's scans, a need's photo) is checked here against the types its door allows, and stored
with the type and extension found, never with the ones it was sent with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    signature: bytes  # how every file of the type begins


JPEG = FileType("image/jpeg", ".jpg", b"\xff\xd8\xff")
PNG = FileType("image/png", ".png", b"\x89PNG\r\n\x1a\n")
PDF = FileType("application/pdf", ".pdf", b"%PDF-")
IMAGES = (JPEG, PNG)


def detect(data: bytes, allowed: Iterable[FileType]) -> FileType | None:
    """The allowed type the data begins like, or None when it is none of them."""
    return next((kind for kind in allowed if data.startswith(kind.signature)), None)


def named_for(filename: str, content_type: str) -> str:
    """The uploader's file name with the extension of the type found ("scan.exe" holding a PDF: "scan.pdf"), so
    whoever downloads it opens it as what it is."""
    kind = next((k for k in (JPEG, PNG, PDF) if k.content_type == content_type), None)
    stem = PurePath(filename or "file").stem or "file"
    return stem + kind.extension if kind else stem
