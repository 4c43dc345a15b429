"""Bytes to text: UTF-8 (with or without BOM), UTF-16 (with BOM, or without one when it plainly
is), else cp1252 (also for stray cp1252 bytes in a UTF-8 file); binary is rejected."""

from __future__ import annotations

import codecs
import re

from etl.errors import Rejected

_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32)) | {127}
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_CONTROL_CHARS = re.compile("[" + "".join(f"\\x{c:02x}" for c in sorted(_CONTROL)) + "]")
# A well-formed multi-byte UTF-8 sequence: evidence that a file is UTF-8 at heart
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _cp1252_fallback(e: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read one undecodable byte as Windows-1252 (U+FFFD if undefined)."""
    if not isinstance(e, UnicodeDecodeError):
        raise e
    return e.object[e.start : e.start + 1].decode("cp1252", errors="replace"), e.start + 1


codecs.register_error("navo-cp1252-fallback", _cp1252_fallback)


def _bomless_utf16(sample: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when NULs fill every other byte, as in UTF-16 text; else None."""
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.3 and nul_even < 0.02:
        return "utf-16-le"
    if nul_even > 0.3 and nul_odd < 0.02:
        return "utf-16-be"
    return None


def _clean(text: str) -> str:
    # Stray NULs and control characters (a damaged file) would break regexes and display
    # (a regex scan, not str.translate: that looks up every character in a dict)
    return _CONTROL_CHARS.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes) -> str:
    """Decode a text file, or raise Rejected saying why it is not usable text."""
    if not data.strip():
        raise Rejected("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _clean(data.decode("utf-16"))
        except UnicodeDecodeError as e:
            raise Rejected(f"undecodable UTF-16 text: {e.reason}") from e
    sample = data[:65536]
    utf16 = _bomless_utf16(sample)
    if utf16 is not None:
        text = data[: len(data) - len(data) % 2].decode(utf16, errors="replace")
        printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text[:20000])
        if printable >= 0.95 * min(len(text), 20000):
            return _clean(text)
    controls = len(sample.translate(None, _NOT_CONTROL))
    if controls > max(8, len(sample) // 20):
        raise Rejected(
            f"binary file, not text ({controls} control bytes in the first {len(sample)})"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if _UTF8_MULTI.search(data):
            # UTF-8 with some Windows-1252 pasted in ("Oekraïne" twice, in two encodings)
            text = data.decode("utf-8-sig", errors="navo-cp1252-fallback")
        else:
            try:
                # Older letters saved on Windows: cp1252 ("Oekra\xefne")
                text = data.decode("cp1252")
            except UnicodeDecodeError as e:
                raise Rejected(
                    f"undecodable text: neither UTF-8 nor Windows-1252 (byte 0x{data[e.start]:02x} at {e.start})"
                ) from e
    text = _clean(text)
    if not text.strip():
        raise Rejected("empty file")  # only a byte-order mark, or only control characters
    return text
