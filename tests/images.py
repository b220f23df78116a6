"""Small real images for upload tests, made without an imaging library: a PNG of one colour."""

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def solid_png(width: int = 64, height: int = 32, rgb: tuple[int, int, int] = (30, 110, 160)) -> bytes:
    """A valid PNG of width × height pixels, all of one colour."""
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * height))
        + _chunk(b"IEND", b"")
    )


# The first bytes of a JPEG and of a WebP file: what the upload check reads.
JPEG_START = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
WEBP_START = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"
