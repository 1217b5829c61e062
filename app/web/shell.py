"""The page around a public page's blocks (base.html: head, header, language links, navigation, footer), kept per
process for anonymous visitors, so that a page served from a kept fragment does not render the layout again.

base.html is rendered once per language, large-text mode and address (its language links and the large-text
button's return address carry the path and query; the navigation marks the section of the address), with markers
where the page's title, head and content blocks go and a placeholder for the CSRF token, which is put in for each
request. Only for a visitor who is not signed in and has no message waiting (the footer names a signed-in user;
the flashes are read once): anyone else gets base.html rendered as usual. What is kept holds nothing of the
visitor or of any data, so it never goes stale; the store is bounded (least recently used first out).
"""
import secrets
import threading
from collections import OrderedDict

from flask import current_app, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup

from app.i18n import current_locale

BLOCKS = ("title", "head", "content")  # the blocks base.html leaves to a page
MAX_SHELLS = 256
_MARK = "shell-" + secrets.token_hex(16)
_CSRF = "csrf-" + secrets.token_hex(16)
_lock = threading.Lock()


def applies() -> bool:
    """Whether this request may be given the kept layout."""
    return (request.method in ("GET", "HEAD") and not current_user.is_authenticated
            and not session.get("_flashes") and current_app.config.get("LAYOUT_CACHE", True))


def page(blocks: dict[str, str]) -> str:
    """The whole page for these rendered blocks (title, head, content; a missing one is empty)."""
    parts = _shell()
    token = generate_csrf()
    out = []
    for index, part in enumerate(parts):
        out.append(part.replace(_CSRF, token) if _CSRF in part else part)
        if index < len(BLOCKS):
            out.append(blocks.get(BLOCKS[index], ""))
    return "".join(out)


def render_blocks(template_name: str, **context) -> dict[str, Markup]:
    """A page template's blocks rendered with the app's template context (as render_template would): the page is
    rendered whole, top-level imports and all, over a stand-in for base.html that prints only the three blocks."""
    values = dict(context)
    current_app.update_template_context(values)
    html = _blocks_environment().get_template(template_name).render(values)
    parts = html.split(_MARK)
    if len(parts) != len(BLOCKS):
        raise RuntimeError(f"{template_name} does not extend base.html")
    return {name: Markup(part) for name, part in zip(BLOCKS, parts)}


def _blocks_environment():
    """The app's template environment with base.html replaced by its three blocks, between markers."""
    environment = current_app.extensions.get("layout_blocks_environment")
    if environment is None:
        stand_in = _MARK.join("{%% block %s %%}{%% endblock %%}" % name for name in BLOCKS)
        environment = current_app.jinja_env.overlay(
            loader=ChoiceLoader([DictLoader({"base.html": stand_in}), current_app.jinja_env.loader]))
        current_app.extensions["layout_blocks_environment"] = environment
    return environment


def _shell() -> tuple[str, ...]:
    key = (current_locale(), request.cookies.get("elder") == "1", request.full_path)
    store: OrderedDict = current_app.extensions.setdefault("layout_shells", OrderedDict())
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    markers = {name: Markup(f"<!--{_MARK}-->") for name in BLOCKS}
    html = render_template("_kept_page.html", blocks=markers, csrf_token=lambda: _CSRF)
    parts = tuple(html.split(f"<!--{_MARK}-->"))
    if len(parts) != len(BLOCKS) + 1:  # base.html must place each block once, in this order
        raise RuntimeError("base.html does not place the title, head and content blocks once each, in order")
    with _lock:
        store[key] = parts
        while len(store) > MAX_SHELLS:
            store.popitem(last=False)
    return parts
