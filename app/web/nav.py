"""The site's navigation: each module adds its public and staff entries when it is registered."""
from dataclasses import dataclass

from flask import Flask


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy translated string
    description: object = ""
    permission: object = None
    in_menu: bool = True  # False: offered on the home page only, to keep the phone menu short


def add_public(app: Flask, endpoint: str, label, description="", *, in_menu: bool = True) -> None:
    app.extensions.setdefault("nav_items", []).append(NavItem(endpoint, label, description, in_menu=in_menu))


def add_staff(app: Flask, endpoint: str, label, permission, description="") -> None:
    app.extensions.setdefault("staff_nav_items", []).append(NavItem(endpoint, label, description, permission))


def current_section(path: str, candidates: dict[str, str]) -> str | None:
    """The one menu entry the page at `path` belongs to: the entry whose address is the longest prefix of it.

    `candidates` maps endpoints to their addresses. The home page ("/") is a prefix of everything, so it
    counts only for itself; otherwise /tips/new (report pollution) and /tips/ (the reports) would both
    claim the report form, and every page would claim home.
    """
    best = None
    for endpoint, address in candidates.items():
        matches = path == address if address == "/" else (path == address or path.startswith(address.rstrip("/") + "/"))
        if matches and (best is None or len(address) > len(candidates[best])):
            best = endpoint
    return best
