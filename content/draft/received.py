"""The article as the editor hands it over: plain text kept byte for byte, or the text of a page."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|article|p|div)[\s>]", re.IGNORECASE)
_TOO_LITTLE = 120  # characters: less than a paragraph is no article


class ArticleError(Exception):
    """The file cannot be drafted from; the message tells the editor why."""


@dataclass(frozen=True, slots=True)
class Received:
    """The seed text (what every quote comes from) and what the editor's file was."""

    text: str
    name: str
    kind: Literal["text", "html"]
    size: int
    sha256: str  # of the file as received (for HTML, not of the seed)
    title: str | None = None
    date: str | None = None  # the page's publication date, as its metadata gives it
    publisher: str | None = None

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    def described(self) -> str:
        """What was received, for the seed's metadata."""
        if self.kind == "text":
            return self.name
        return (f"{self.name} (HTML, {self.size} bytes, sha256 {self.sha256}; "
                "the seed is the article text extracted from it)")


def receive(path: Path) -> Received:
    """Read the article at `path`; ArticleError when it is not one."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise ArticleError(f"{path.name} is empty: there is no article to draft from")
    digest = hashlib.sha256(raw).hexdigest()
    if _HTML.search(raw[:4096]):
        received = _from_html(raw, path.name, digest)
    else:
        received = Received(_decoded(raw, path.name), path.name, "text", len(raw), digest)
    size = len(received.text.strip())
    if size < _TOO_LITTLE:
        what = "an HTML page with" if received.kind == "html" else "a file of"
        raise ArticleError(f"{path.name} is {what} {size} characters of text: too little for an article")
    return received


def _decoded(raw: bytes, name: str) -> str:
    if b"\x00" in raw:
        raise ArticleError(f"{name} is a binary file, not a text or HTML article")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{name} is not UTF-8 text (byte {exc.start + 1} is {raw[exc.start]:#04x}): "
                           "save it as UTF-8 or as HTML") from exc


def _from_html(raw: bytes, name: str, digest: str) -> Received:
    import trafilatura

    page = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False,
                                       include_tables=False, favor_precision=True)
    if isinstance(page, dict) or page is None or not page.text:
        raise ArticleError(f"{name} is an HTML page in which no article text was found")
    return Received(page.text, name, "html", len(raw), digest,
                    title=page.title, date=page.date, publisher=page.sitename)
