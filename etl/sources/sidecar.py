"""Metadata sidecars: `<file>.meta.json` next to a fetched or generated document.

A sidecar says where a document came from. Written by `etl fetch` (and may be written by the
demo generator); read by the parsers. Keys (all optional for readers):

    identifier     official id, e.g. "kst-28676-448" (becomes Document.doc_id_hint)
    source_url     the URL the file was downloaded from
    preferred_url  the page a reader should open (zoek.officielebekendmakingen.nl)
    retrieved_at   ISO 8601 UTC time of the download
    sha256         hex digest of the saved file
    is_synthetic   true for generated documents
    record         the SRU record's metadata (dossiernummer, ondernummer, modified, …)
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from etl.model import Document

SUFFIX = ".meta.json"


def sidecar_path(source_path: str | os.PathLike[str]) -> Path:
    """Where the sidecar of a document lives: the document's own path plus `.meta.json`."""
    return Path(f"{os.fspath(source_path)}{SUFFIX}")


def read_sidecar(source_path: str | os.PathLike[str]) -> dict[str, Any]:
    """The sidecar of a document as a dict; {} when there is none or it cannot be read."""
    try:
        with open(f"{os.fspath(source_path)}{SUFFIX}", "rb") as fh:  # (no Path: read per file)
            return parse_sidecar(fh.read())
    except OSError:
        # A missing or broken sidecar must not cost us the document itself.
        return {}


def parse_sidecar(data: bytes) -> dict[str, Any]:
    """A sidecar's bytes as a dict; {} when they are not a JSON object."""
    try:
        meta = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def apply_sidecar(doc: Document, meta: dict[str, Any]) -> Document:
    """Copy what a sidecar knows (URL, official id, synthetic flag) onto a Document."""
    url = meta.get("preferred_url") or meta.get("source_url")
    if isinstance(url, str) and url:
        doc.source_url = url
    ident = meta.get("identifier")
    if isinstance(ident, str) and ident:
        doc.doc_id_hint = ident
    # Synthetic is sticky: either the file or its sidecar may say so.
    if meta.get("is_synthetic") is True:
        doc.is_synthetic = True
    return doc


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file so that it is either absent, the old version, or complete: never half."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_sidecar(source_path: str | os.PathLike[str], meta: dict[str, Any]) -> Path:
    """Write the sidecar of a document atomically; returns its path."""
    path = sidecar_path(source_path)
    text = json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))
    return path


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not supported everywhere, and not worth failing over.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
