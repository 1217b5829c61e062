"""Locale choice (?lang=, cookie, Accept-Language) and helpers for texts stored per locale."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale

LOCALES = ("zh_Hans", "zh_Hant", "en")
LOCALE_COOKIE = "lang"
# BCP 47 tags for <html lang> and hreflang.
HTML_LANG = {"zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant", "en": "en"}
# Each language named in itself, for the switcher.
LOCALE_NAMES = {"zh_Hans": "简体中文", "zh_Hant": "繁體中文", "en": "English"}


def normalize_locale(value: str | None) -> str | None:
    """Map a tag such as zh-CN, zh-TW, zh_Hant or en-GB to one of LOCALES, or None."""
    if not value:
        return None
    tag = value.strip().replace("_", "-").lower()
    if tag.startswith("zh"):
        traditional = any(part in tag.split("-") for part in ("hant", "tw", "hk", "mo"))
        return "zh_Hant" if traditional else "zh_Hans"
    if tag.split("-")[0] == "en":
        return "en"
    return None


def select_locale() -> str:
    """Babel's locale selector: ?lang= first, then the cookie, then the browser's languages."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = normalize_locale(request.args.get("lang")) or normalize_locale(request.cookies.get(LOCALE_COOKIE))
    if chosen:
        return chosen
    for tag, _quality in request.accept_languages:
        chosen = normalize_locale(tag)
        if chosen:
            return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """The locale of the current request as one of LOCALES (worked out once per request)."""
    if not has_request_context():
        return "zh_Hans"
    if "current_locale" not in g:
        locale = get_locale()
        g.current_locale = (normalize_locale(str(locale)) if locale else None) or "zh_Hans"
    return g.current_locale


def localized(obj, field: str, locale: str | None = None) -> str:
    """The value of obj.<field>_<locale>, falling back to zh_Hans when that translation is empty."""
    locale = locale or current_locale()
    suffix = locale.lower()
    value = getattr(obj, f"{field}_{suffix}", None)
    return value or getattr(obj, f"{field}_zh_hans")


def site_zone() -> ZoneInfo:
    """The city's time zone (TIMEZONE); stored times are UTC."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    """Today's date in the city, which is what day-counted deadlines use."""
    return datetime.now(site_zone()).date()


def from_local_input(value: datetime | None) -> datetime | None:
    """A naive date-time typed in a form (city time) as an aware UTC datetime."""
    if value is None:
        return None
    return value.replace(tzinfo=site_zone()).astimezone(timezone.utc)
