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
