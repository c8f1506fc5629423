"""Files for storage tests, built in memory (no binary fixtures in the repository)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from io import BytesIO

from PIL import Image


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (64, 48),
    mode: str = "RGB",
    color: tuple[int, ...] = (200, 80, 40),
    **save_options: object,
) -> bytes:
    """An image encoded in memory by Pillow."""
    buffer = BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims the given size (a decompression bomb when huge)."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    # Bytes 16..24 are IHDR's width and height; the chunk's CRC (bytes 29..33) covers 12..29.
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def zip_bytes(entries: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    """A zip archive with the entries in order (the first one stored uncompressed if asked)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return buffer.getvalue()


CONTENT_TYPES_XML = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def ooxml_bytes(folder: str, main_part: str) -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml and its main part."""
    return zip_bytes(
        [
            ("[Content_Types].xml", CONTENT_TYPES_XML),
            ("_rels/.rels", b"<Relationships/>"),
            (f"{folder}/{main_part}", b"<document/>"),
        ]
    )


def opendocument_bytes(mimetype: str) -> bytes:
    """A minimal OpenDocument package: the ``mimetype`` entry first, stored, then the content."""
    return zip_bytes(
        [
            ("mimetype", mimetype.encode()),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ],
        stored_first=True,
    )


PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX_BYTES = ooxml_bytes("word", "document.xml")
XLSX_BYTES = ooxml_bytes("xl", "workbook.xml")
PPTX_BYTES = ooxml_bytes("ppt", "presentation.xml")
ODT_BYTES = opendocument_bytes("application/vnd.oasis.opendocument.text")
ODS_BYTES = opendocument_bytes("application/vnd.oasis.opendocument.spreadsheet")
ODP_BYTES = opendocument_bytes("application/vnd.oasis.opendocument.presentation")
CSV_BYTES = "city,practice\nPavia,Orti urbani\nIași,Atelier de restaurare\n".encode()
TEXT_BYTES = "Notes from the Perm visit — 12 May.\n".encode()
SVG_BYTES = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.domain)</script></svg>"
)
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
