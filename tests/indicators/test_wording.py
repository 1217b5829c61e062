"""Targets, values and methods in plain words in each language; texts without a translation marked."""
import csv
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from markupsafe import Markup

from app.indicators import wording
from app.indicators.rules import parse_targets, sub_indicator_names


def measure(target, unit="%"):
    return SimpleNamespace(target=target, unit=unit)


def row(**values):
    defaults = {"not_applicable": False, "not_applicable_reason": "", "numeric_value": None, "state_value": None,
                "task_completed": None, "evidence": "", "source": "", "computed": False, "method": "",
                "sample_size": None}
    return SimpleNamespace(**{**defaults, **values})


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


TARGETS = [
    (">=20", "%", "at least 20\u00a0%", "不低于20\u00a0%"),
    ("100", "%", "at least 100\u00a0%", "不低于100\u00a0%"),
    ("<=25", "立方米/万元", "at most 25\u00a0m³ per 10,000 yuan", "不高于25\u00a0立方米/万元"),
    ("10~20", "%", "from 10\u00a0% to 20\u00a0%", "10\u00a0%至20\u00a0%"),
    ("制定实施", "-", "drawn up and implemented", "制定实施"),
    ("市:100; 县:开展", "%", "city: at least 100\u00a0%; county: carried out", "市：不低于100\u00a0%；县：开展"),
    ("完成上级规定的考核任务; 保持稳定或持续改善", "%",
     "complete the assessment tasks set by the higher authorities "
     "and stable or better than in the same period a year before",
     "完成上级规定的考核任务且保持稳定或持续改善"),
    ("山区>=60; 平原地区>=18", "%", "mountain areas: at least 60\u00a0%; plains: at least 18\u00a0%",
     "山区：不低于60\u00a0%；平原地区：不低于18\u00a0%"),
]


@pytest.mark.parametrize(("text", "unit", "english", "simplified"), TARGETS)
def test_targets_read_as_plain_words_in_english_and_chinese(in_request, text, unit, english, simplified):
    with force_locale("en"):
        assert str(wording.target(measure(text, unit))) == english
    with force_locale("zh_Hans"):
        assert str(wording.target(measure(text, unit))) == simplified


TABLES = {  # file: (name column, target column)
    Path(wording.__file__).parent.parent / "demo" / "data" / "catalogue-2019.csv": ("name_zh_hans", "target"),
    Path(__file__).parent / "data" / "indicators-2019-reconstructed.csv": ("name_zh", "target_expr"),
}


@pytest.mark.parametrize("path", TABLES, ids=lambda path: path.name)
def test_every_official_target_reads_without_chinese_or_symbols_in_english(in_request, path):
    name_column, target_column = TABLES[path]
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with force_locale("en"):
        for r in rows:
            rules = parse_targets(r[target_column], max(1, len(sub_indicator_names(r[name_column]))))
            units = [u.strip() for u in r["unit"].split(";")] * len(rules)
            for rule, unit in zip(rules, units):
                words = wording._rule(rule, unit)
                assert not words.untranslated and not wording._HAN.search(str(words)), (r[name_column], str(words))
                assert not any(sign in str(words) for sign in (">", "<", "=", "~")), (r[name_column], str(words))


def test_values_carry_their_unit_and_states_are_words(in_request):
    with force_locale("en"):
        assert str(wording.value(row(numeric_value=Decimal("92.0000")), measure("100"))) == "92\u00a0%"
        assert str(wording.value(row(numeric_value=Decimal("1E+2")), measure("100"))) == "100\u00a0%"
        assert str(wording.value(row(numeric_value=Decimal("92"), task_completed=True), measure("x"))) == \
            "92\u00a0%; task completed"
        assert str(wording.value(row(state_value="建立"), measure("建立", "-"))) == "established"
        assert str(wording.value(None, measure("100"))) == ""
    with force_locale("zh_Hant"):
        assert str(wording.value(row(state_value="全面实施"), measure("全面实施", "-"))) == "全面實施"


def test_untranslated_text_is_marked_in_html_but_plain_in_exports(in_request):
    reason = row(not_applicable=True, not_applicable_reason="非沿海地区")
    with force_locale("en"):
        words = wording.value(reason, measure(">=35"))
        assert str(words) == "not applicable: 非沿海地区"
        html = Markup(words.__html__())
        assert '<span lang="zh-Hans">非沿海地区</span>' in html and "(not translated)" in html
    with force_locale("zh_Hans"):
        assert "lang=" not in wording.value(reason, measure(">=35")).__html__()
    named = SimpleNamespace(name_zh_hans="云溪市", name_zh_hant="雲溪市", name_en="")
    with force_locale("zh_Hant"):
        assert str(wording.stored(named)) == "雲溪市" and not wording.stored(named).untranslated
    with force_locale("en"):
        assert str(wording.stored(named)) == "云溪市" and wording.stored(named).untranslated
    assert "&lt;b&gt;" in wording.chinese("<b>").__html__()


def test_evidence_never_shows_provider_keys_or_leading_separators(in_request):
    indicator = SimpleNamespace(provider="surveys.satisfaction")
    computed = row(computed=True, numeric_value=Decimal("86"), source="surveys.satisfaction",
                   method="抽样调查“测试”（问卷 #1）：n=400。", sample_size=400)
    with force_locale("en"):
        items = [str(i) for i in wording.evidence(computed, indicator)]
        assert not any("surveys.satisfaction" in i for i in items) and all(i.strip() == i and i for i in items)
        assert items[0].startswith("Computed by this site from the sampled survey") and items[1] == "sample size 400"
    with force_locale("zh_Hans"):
        assert str(wording.evidence(computed, indicator)[0]) == "抽样调查“测试”（问卷 #1）：n=400。"
        entered = row(evidence="", source="市统计局")
        assert [str(i) for i in wording.evidence(entered, SimpleNamespace(provider=None))] == ["市统计局"]


@pytest.mark.parametrize(("provider", "english", "traditional"), [
    ("surveys.satisfaction", "adult population", "成年人口"),
    ("surveys.participation", "District figures are descriptive only", "僅作描述"),
    ("notices.disclosure_rate", "for that very period", "針對該期"),
])
def test_computed_methods_state_the_rules_the_figures_follow(in_request, provider, english, traditional):
    """The method shown with a computed value says what the figure follows: the survey figures are city-wide,
    weighted by adult population where the data has it, districts descriptive (survey practice, facts §2.1);
    the disclosure rate matches each publication to its own period (issue 14, item 1)."""
    computed = row(computed=True, numeric_value=Decimal("86"), source=provider, method="")
    indicator = SimpleNamespace(provider=provider)
    with force_locale("en"):
        assert english in str(wording.evidence(computed, indicator)[0])
    with force_locale("zh_Hant"):
        assert traditional in str(wording.evidence(computed, indicator)[0])
