"""Uploads: checked by content, stored under random names outside static/, served as attachments."""

import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Response, current_app, send_file
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.datastructures import FileStorage

from goi.core import clock
from goi.core.types import UTCDateTime

# Office Open XML and OpenDocument files are zip archives; what is inside tells them apart.
_ZIP_MEMBERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_OPENDOCUMENT_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
MIME_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "webp": "image/webp",
}
DOCUMENT_TYPES = frozenset(MIME_TYPES) - {"webp"}
# Images a page shows (a challenge's cover).
IMAGE_TYPES = frozenset({"jpg", "png", "webp"})


class StoredFileColumns:
    """Columns of a record that points at an uploaded file (a challenge document, a proposal attachment)."""

    stored_name: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(160))
    file_type: Mapped[str] = mapped_column(String(8))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @classmethod
    def for_upload(cls, stored: "StoredFile", uploaded_by_id: int, **fields):
        """A record of a checked upload, uploaded now by uploaded_by_id; fields are the record's own columns."""
        return cls(
            stored_name=stored.stored_name,
            filename=stored.original_name,
            file_type=stored.file_type,
            size=stored.size,
            uploaded_by_id=uploaded_by_id,
            uploaded_at=clock.now(),
            **fields,
        )


class UploadError(ValueError):
    """An upload that is refused; the message is shown to the user."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    stored_name: str
    original_name: str
    file_type: str
    size: int


def detect_type(path: Path) -> str | None:
    """The file's type from its content (magic bytes), or None when it is not one we accept."""
    with path.open("rb") as handle:
        head = handle.read(64)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(path)
    return None


def _zip_type(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return _OPENDOCUMENT_TYPES.get(archive.read("mimetype").strip())
            for file_type, member in _ZIP_MEMBERS.items():
                if member in names:
                    return file_type
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def clean_filename(name: str | None) -> str:
    """A filename safe to show and to put in a Content-Disposition header."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>:|?*;]", "", name).strip(" .")
    return name[:150] or "file"


def upload_root() -> Path:
    root = Path(current_app.config.get("UPLOAD_PATH") or Path(current_app.instance_path) / "uploads")
    root.mkdir(parents=True, exist_ok=True)
    return root


def save_upload(upload: FileStorage, allowed: frozenset[str] = DOCUMENT_TYPES) -> StoredFile:
    """Store an upload under a random name after checking its content and size."""
    if upload is None or not upload.filename:
        raise UploadError(_("No file was chosen."))
    root = upload_root()
    stored_name = secrets.token_hex(16)
    target = root / stored_name
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    size = 0
    with target.open("wb") as handle:
        while chunk := upload.stream.read(64 * 1024):
            size += len(chunk)
            if size > limit:
                handle.close()
                target.unlink(missing_ok=True)
                raise UploadError(_("The file is larger than %(size)s MB.", size=limit // (1024 * 1024)))
            handle.write(chunk)
    if size == 0:
        target.unlink(missing_ok=True)
        raise UploadError(_("The file is empty."))
    file_type = detect_type(target)
    if file_type not in allowed:
        target.unlink(missing_ok=True)
        accepted = ", ".join(sorted(t.upper() for t in allowed))
        raise UploadError(_("This kind of file is not accepted. Accepted: %(types)s.", types=accepted))
    return StoredFile(stored_name, clean_filename(upload.filename), file_type, size)


def remove_upload(stored_name: str) -> None:
    (upload_root() / stored_name).unlink(missing_ok=True)


def send_upload(stored_name: str, original_name: str, file_type: str) -> Response:
    """The stored file as a download, never rendered inline."""
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise FileNotFoundError(stored_name)
    response = send_file(
        upload_root() / stored_name,
        mimetype=MIME_TYPES.get(file_type, "application/octet-stream"),
        as_attachment=True,
        download_name=clean_filename(original_name),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
