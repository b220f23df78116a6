"""Uploads: type by content, size limit, safe names, served as sandboxed attachments."""

import io
import zipfile
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from goi.core.storage import (
    DOCUMENT_TYPES,
    UploadError,
    clean_filename,
    detect_type,
    remove_upload,
    save_upload,
    send_upload,
    upload_root,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
TEXT = b"Just some plain text, not a PDF at all.\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<presentation/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
PLAIN_ZIP = _zip({"readme.txt": b"hello"})
ODG = _zip({"mimetype": b"application/vnd.oasis.opendocument.graphics", "content.xml": b"<x/>"})


def _file(tmp_path: Path, data: bytes, name: str = "file.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpg"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (PPTX, "pptx"),
        (ODT, "odt"),
        (ODS, "ods"),
    ],
)
def test_detect_type_recognizes_real_minimal_files(tmp_path, data, expected):
    assert detect_type(_file(tmp_path, data)) == expected


@pytest.mark.parametrize(
    "data",
    [TEXT, EXE, HTML, PLAIN_ZIP, ODG, b"PK\x03\x04 not really a zip", b"", b"%PD"],
    ids=["text", "exe", "html", "plain-zip", "odg", "broken-zip", "empty", "short"],
)
def test_detect_type_refuses_other_content(tmp_path, data):
    assert detect_type(_file(tmp_path, data)) is None


def _upload(data: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename)


def _stored_files(app) -> list[Path]:
    return sorted(upload_root().iterdir())


def test_save_upload_stores_under_random_name(app):
    stored = save_upload(_upload(PDF, "../../Laporan Akhir.pdf"))
    assert stored.file_type == "pdf"
    assert stored.size == len(PDF)
    assert stored.original_name == "Laporan Akhir.pdf"
    assert len(stored.stored_name) == 32
    assert (upload_root() / stored.stored_name).read_bytes() == PDF
    assert _stored_files(app) == [upload_root() / stored.stored_name]


@pytest.mark.parametrize(
    ("data", "filename"),
    [(TEXT, "laporan.pdf"), (EXE, "setup.pdf"), (EXE, "program.exe"), (HTML, "halaman.html"), (HTML, "x.docx")],
)
def test_save_upload_refuses_content_that_is_not_an_accepted_type(app, data, filename):
    with pytest.raises(UploadError):
        save_upload(_upload(data, filename))
    assert _stored_files(app) == []


def test_save_upload_checks_content_not_extension(app):
    stored = save_upload(_upload(PNG, "gambar.pdf"))
    assert stored.file_type == "png"


def test_save_upload_respects_allowed_types(app):
    with pytest.raises(UploadError):
        save_upload(_upload(PDF, "x.pdf"), allowed=frozenset({"png", "jpg"}))
    assert _stored_files(app) == []
    assert save_upload(_upload(JPEG, "foto.jpg"), allowed=frozenset({"png", "jpg"})).file_type == "jpg"


def test_oversized_upload_is_refused_and_nothing_kept(app):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    with pytest.raises(UploadError):
        save_upload(_upload(PDF + b"x" * 1025, "besar.pdf"))
    assert _stored_files(app) == []
    # Exactly at the limit is fine.
    exact = PDF + b"x" * (1024 - len(PDF))
    assert save_upload(_upload(exact, "pas.pdf")).size == 1024


def test_empty_or_missing_upload_is_refused(app):
    with pytest.raises(UploadError):
        save_upload(_upload(b"", "kosong.pdf"))
    with pytest.raises(UploadError):
        save_upload(_upload(PDF, ""))
    with pytest.raises(UploadError):
        save_upload(None)
    assert _stored_files(app) == []


def test_remove_upload_deletes_the_file(app):
    stored = save_upload(_upload(PDF, "a.pdf"))
    remove_upload(stored.stored_name)
    assert _stored_files(app) == []
    remove_upload(stored.stored_name)  # already gone: no error


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\budi\\Laporan.pdf", "Laporan.pdf"),
        ("/var/www/../secret.docx", "secret.docx"),
        ("bad\x00na\x1fme\r\n.pdf", "badname.pdf"),
        ('evil";filename=x.exe', "evilfilename=x.exe"),
        ("a<b>c|d?e*f:g.pdf", "abcdefg.pdf"),
        ("  .hidden.pdf. ", "hidden.pdf"),
        ("Laporan Akhir – 2026.pdf", "Laporan Akhir – 2026.pdf"),
        ("", "file"),
        (None, "file"),
        ("..", "file"),
        ("../", "file"),
    ],
)
def test_clean_filename(raw, expected):
    assert clean_filename(raw) == expected


def test_clean_filename_limits_length():
    assert len(clean_filename("a" * 500 + ".pdf")) == 150


def test_send_upload_is_a_sandboxed_attachment(app):
    stored = save_upload(_upload(PDF, "laporan.pdf"))
    with app.test_request_context():
        response = send_upload(stored.stored_name, "../Laporan\r\nAkhir.pdf", "pdf")
        response.direct_passthrough = False
        body = response.get_data()
        response.close()
    assert body == PDF
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "LaporanAkhir.pdf" in disposition
    assert "\r" not in disposition and "\n" not in disposition and ".." not in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp
    assert "default-src 'none'" in csp
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]


def test_send_upload_of_unknown_type_is_octet_stream(app):
    stored = save_upload(_upload(PDF, "laporan.pdf"))
    with app.test_request_context():
        response = send_upload(stored.stored_name, "x.bin", "exe")
        response.close()
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("name", ["../goi.sqlite3", "0" * 31, "G" * 32, "/etc/passwd", ""])
def test_send_upload_refuses_names_that_are_not_stored_names(app, name):
    with app.test_request_context(), pytest.raises(FileNotFoundError):
        send_upload(name, "x.pdf", "pdf")


def test_every_document_type_has_a_mime_type():
    assert {"pdf", "png", "jpg", "docx", "xlsx", "pptx", "odt", "ods", "odp"} == set(DOCUMENT_TYPES)
