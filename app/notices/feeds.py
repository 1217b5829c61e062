"""Atom 1.0 feeds of published notices and the site's sitemap, written with ElementTree (never string templates)."""
import uuid
from datetime import datetime
from xml.etree import ElementTree as ET

from app.web.text import xml_safe

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def stable_id(city: str, path: str) -> str:
    """A URN that stays the same for a notice (or feed) whatever host name the site is reached under."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"ecociv:{city}:{path}").urn


def _text(parent, tag: str, value: str, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = xml_safe(value)  # a stored control character must never make the feed ill-formed
    return element


def atom_feed(*, feed_id: str, title: str, author: str, alternate: str, self_url: str, updated: datetime,
              entries: list[dict], language: str) -> bytes:
    """An Atom document; each entry dict has id, title, updated, published, link, summary and category."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", updated.isoformat())
    author_element = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author_element, "name", author)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": alternate})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": self_url})
    for item in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", item["id"])
        _text(entry, "title", item["title"])
        _text(entry, "updated", item["updated"].isoformat())
        _text(entry, "published", item["published"].isoformat())
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": item["link"]})
        if item.get("category"):
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": item["category"]})
        _text(entry, "summary", item["summary"] or item["title"])
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def sitemap(urls: list[tuple[str, datetime | None]]) -> bytes:
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for location, modified in urls:
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = location
        if modified is not None:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = modified.date().isoformat()
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def sitemap_index(locations: list[str]) -> bytes:
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    for location in locations:
        ET.SubElement(ET.SubElement(root, f"{{{SITEMAP}}}sitemap"), f"{{{SITEMAP}}}loc").text = location
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
