"""The one sanitizer for user-written Markdown and HTML."""

import html
import re

import bleach
import markdown as markdown_lib
from markupsafe import Markup, escape

ALLOWED_TAGS = [
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "abbr": ["title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]


def _nofollow(attrs: dict, new: bool = False) -> dict:
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


def sanitize(html: str) -> str:
    """HTML reduced to the allow-list: no script, style, event handler or foreign protocol."""
    cleaned = bleach.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True
    )
    return bleach.linkify(cleaned, callbacks=[_nofollow], skip_tags=["pre", "code"])


def render_markdown(source: str | None) -> str:
    """Markdown rendered to sanitized HTML, ready to store beside its source."""
    if not source:
        return ""
    html = markdown_lib.markdown(source, extensions=["tables", "sane_lists"], output_format="html")
    return sanitize(html)


def safe(stored_html: str | None) -> Markup:
    """Mark HTML that came out of render_markdown as safe for templates; the only place that does."""
    return Markup(stored_html or "")  # noqa: S704 (only HTML produced by render_markdown reaches here)


_MARK_TAG = re.compile(r"(</?mark>)")
# An http(s) address in plain text, without the punctuation that ends a sentence after it.
_WEB_ADDRESS = re.compile(r"(https?://[^\s<>\"']*[^\s<>\"'.,;:!?)\]])")
_LINK = Markup('<a href="{0}" rel="nofollow noopener noreferrer">{0}</a>')


def safe_snippet(snippet: str | None) -> Markup:
    """A search snippet (escaped text with <mark> around matches) with nothing but <mark> left.

    Only the exact tags <mark> and </mark> stay markup; everything between them is read as text and escaped again
    (entities decoded first, so none is escaped twice): any other tag, attribute or script shows as text. A search
    page writes ten of these; the HTML parser of a full sanitizer cost a third of the page.
    """
    parts = _MARK_TAG.split(snippet or "")
    return Markup(  # noqa: S704 (every part is a bare <mark>/</mark> or escaped text)
        "".join(part if index % 2 else str(escape(html.unescape(part))) for index, part in enumerate(parts))
    )


def web_addresses(text: str) -> list[str]:
    """The http(s) addresses in plain text, in order."""
    return _WEB_ADDRESS.findall(text)


def linked_text(text: str | None) -> Markup:
    """Plain text (a mail body) as HTML: every character escaped, each http(s) address a link to itself."""
    parts = _WEB_ADDRESS.split(text or "")
    # join escapes the text between addresses; format escapes each address.
    return Markup("").join(_LINK.format(part) if index % 2 else part for index, part in enumerate(parts))
