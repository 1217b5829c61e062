"""Notice texts: Markdown rendered to sanitised HTML, markup refused in plain fields, search highlighting. Pure code."""
import re

import markdown
import nh3
from markupsafe import Markup, escape

# What a notice body may contain after rendering: text structure, tables and links, nothing that runs.
ALLOWED_TAGS = {"p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
                "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
MARKUP_IN_TEXT = re.compile(r"</?[a-zA-Z!?]|\bon[a-z]+\s*=|javascript:", re.IGNORECASE)


def render_markdown(source: str) -> Markup:
    """Markdown to HTML, then sanitised: scripts, styles, event handlers and javascript: links are dropped."""
    html = markdown.markdown(source or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    return Markup(clean)


def has_markup(value: str) -> bool:
    """Whether a plain-text field (title, summary) carries HTML tags, event handlers or script links."""
    return bool(MARKUP_IN_TEXT.search(value or ""))


def highlight(text: str, query: str) -> Markup:
    """The text escaped, with every case-insensitive occurrence of query wrapped in <mark>.

    The raw text is split at the matches first and each piece escaped, so a query can never match inside
    an escaped entity or produce markup.
    """
    query = (query or "").strip()
    if not query:
        return Markup(escape(text))
    pieces = re.split(f"({re.escape(query)})", text or "", flags=re.IGNORECASE)
    out = []
    for index, piece in enumerate(pieces):
        out.append(f"<mark>{escape(piece)}</mark>" if index % 2 else str(escape(piece)))
    return Markup("".join(out))


def excerpt(text: str, query: str, width: int = 80) -> str:
    """A short plain-text window of text around the first match of query (or its beginning)."""
    flat = re.sub(r"[#*_`>|\[\]()-]+", " ", text or "")
    flat = re.sub(r"\s+", " ", flat).strip()
    position = flat.lower().find((query or "").strip().lower()) if query and query.strip() else -1
    if position < 0:
        return flat[:width] + ("…" if len(flat) > width else "")
    start = max(0, position - width // 3)
    end = start + width
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


def index_number(scheme: str, *, bureau_code: str, year: int, seq: int) -> str:
    """The 索引号 from the configured scheme, e.g. "{bureau_code}/{year}-{seq:05d}"."""
    return scheme.format(bureau_code=bureau_code, year=year, seq=seq)
