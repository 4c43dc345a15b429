"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252; binary is rejected."""

from __future__ import annotations

import codecs

from etl.errors import Rejected

_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32)) | {127}
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)


def decode_text(data: bytes) -> str:
    """Decode a text file, or raise Rejected saying why it is not usable text."""
    if not data.strip():
        raise Rejected("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise Rejected(f"undecodable UTF-16 text: {e.reason}") from e
    sample = data[:65536]
    controls = len(sample.translate(None, _NOT_CONTROL))
    if controls > max(8, len(sample) // 20):
        raise Rejected(
            f"binary file, not text ({controls} control bytes in the first {len(sample)})"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Older letters saved on Windows: cp1252 ("Oekra\xefne")
            text = data.decode("cp1252")
        except UnicodeDecodeError as e:
            raise Rejected(
                f"undecodable text: neither UTF-8 nor Windows-1252 (byte 0x{data[e.start]:02x} at {e.start})"
            ) from e
    # Stray NULs and control characters (a damaged file) would break regexes and display
    if controls:
        text = "".join(ch for ch in text if ord(ch) not in _CONTROL)
    return text.replace("\r\n", "\n").replace("\r", "\n")
