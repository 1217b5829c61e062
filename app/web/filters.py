"""Jinja filters and globals: localized dates and numbers, enum titles."""
from flask import request, url_for
from flask_babel import format_date, format_datetime, format_decimal, format_percent
from markupsafe import Markup, escape

from app.i18n import HTML_LANG, LOCALE_NAMES, LOCALES, current_locale
from app.web import once
from app.web.nav import current_section


def lang_url(locale: str) -> str:
    """The current page in another language (the choice is then remembered in a cookie)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [locale]
    endpoint = request.endpoint or "web.home"
    view_args = request.view_args or {}
    try:
        return url_for(endpoint, **view_args, **args)
    except Exception:
        return url_for("web.home", lang=locale)


def nav_section(app) -> str | None:
    """The endpoint of the main-menu entry to mark as the current page (aria-current), at most one."""
    if request.blueprint and request.blueprint.endswith("admin"):
        return "admin.index"
    candidates = {"web.home": url_for("web.home")}
    for item in app.extensions.get("nav_items", []):
        if item.in_menu:
            candidates[item.endpoint] = url_for(item.endpoint)
    return current_section(request.path, candidates)


def stored(obj, field: str = "name") -> Markup:
    """A text staff stored per locale (title_zh_hans, title_zh_hant, title_en…) in the reader's language, or the
    Simplified Chinese one marked lang="zh-Hans" when that translation is missing (screen readers and the
    crawl's language check then know it); a field without per-locale columns is shown as it is."""
    if obj is None:
        return Markup("")
    source = getattr(obj, f"{field}_zh_hans", None)
    locale = current_locale()
    if source is None or locale == "zh_Hans" or getattr(obj, f"{field}_{locale.lower()}", ""):
        value = obj.get(field) if isinstance(obj, dict) else getattr(obj, field, "")
        return escape(value or "")
    return Markup('<span lang="zh-Hans">%s</span>') % source


def init_app(app):
    app.jinja_env.globals["once_field"] = once.hidden_field
    app.jinja_env.filters["stored"] = stored
    app.jinja_env.filters.update(
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        date=lambda value, fmt="medium": format_date(value, fmt) if value else "",
        number=lambda value, fmt=None: format_decimal(value, fmt) if value is not None else "",
        percent=lambda value, fmt="#,##0.0%": format_percent(value, fmt) if value is not None else "",
    )

    @app.context_processor
    def layout_context():
        locale = current_locale()
        return {
            "current_locale": locale,
            "html_lang": HTML_LANG[locale],
            "html_langs": HTML_LANG,
            "locales": LOCALES,
            "locale_names": LOCALE_NAMES,
            "lang_url": lang_url,
            "elder_mode": request.cookies.get("elder") == "1",
            "site_name": app.config["SITE_NAMES"].get(locale) or app.config["SITE_NAME"],
            "city_name": app.config["CITY_NAMES"].get(locale) or app.config["CITY_NAME"],
            "nav_items": app.extensions.get("nav_items", []),
            "nav_section": nav_section(app) if request.endpoint else None,
        }
