"""The `stored` template filter: a text staff stored per locale in the reader's language, or marked Chinese."""
from types import SimpleNamespace

from app.web.filters import stored

ACTIVITY = SimpleNamespace(title="植树<节>", title_zh_hans="植树<节>", title_zh_hant="", title_en="Tree day")


def test_a_missing_translation_is_the_simplified_text_marked_and_escaped(app):
    with app.test_request_context("/?lang=zh_Hant"):
        assert str(stored(ACTIVITY, "title")) == '<span lang="zh-Hans">植树&lt;节&gt;</span>'


def test_a_present_translation_or_the_default_locale_is_plain(app):
    with app.test_request_context("/?lang=en"):
        ACTIVITY.title = "Tree day"
        assert str(stored(ACTIVITY, "title")) == "Tree day"
    with app.test_request_context("/?lang=zh_Hans"):
        ACTIVITY.title = "植树<节>"
        assert str(stored(ACTIVITY, "title")) == "植树&lt;节&gt;"


def test_a_field_without_locale_columns_is_shown_as_it_is(app):
    with app.test_request_context("/?lang=en"):
        assert str(stored(SimpleNamespace(name="王<小明>"), "name")) == "王&lt;小明&gt;"
        assert str(stored({"name": "李四"}, "name")) == "李四"
        assert str(stored(None)) == ""
