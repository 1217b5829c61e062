"""Translated titles, health effects and advice of the AQI categories (HJ 633-2012 table 2), and pollutant names."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.environment.aqi import Category, Pollutant

# The msgids are English, as everywhere in the project; each comment gives the official Chinese wording of
# HJ 633-2012 table 2 that the zh_Hans translation must use word for word (zh_Hant: the same, in traditional
# characters).
_TITLES = {
    1: _l("Level 1, excellent"),  # 一级 优
    2: _l("Level 2, good"),  # 二级 良
    3: _l("Level 3, lightly polluted"),  # 三级 轻度污染
    4: _l("Level 4, moderately polluted"),  # 四级 中度污染
    5: _l("Level 5, heavily polluted"),  # 五级 重度污染
    6: _l("Level 6, severely polluted"),  # 六级 严重污染
}

_HEALTH_EFFECTS = {
    # 空气质量令人满意，基本无空气污染
    1: _l("Air quality is satisfactory, with essentially no air pollution."),
    # 空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响
    2: _l("Air quality is acceptable, but some pollutants may have a weak effect on the health of a very small "
          "number of unusually sensitive people."),
    # 易感人群症状有轻度加剧，健康人群出现刺激症状
    3: _l("Symptoms of susceptible people are slightly aggravated; healthy people show symptoms of irritation."),
    # 进一步加剧易感人群症状，可能对健康人群心脏、呼吸系统有影响
    4: _l("Symptoms of susceptible people are further aggravated; the heart and respiratory system of healthy "
          "people may be affected."),
    # 心脏病和肺病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状
    5: _l("Symptoms of people with heart or lung disease are markedly aggravated and their exercise tolerance "
          "is reduced; healthy people generally show symptoms."),
    # 健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病
    6: _l("Healthy people have reduced exercise tolerance and obvious, strong symptoms; some illnesses appear "
          "early."),
}

_ADVICE = {
    # 各类人群可正常活动
    1: _l("Everyone can carry on normal activities."),
    # 极少数异常敏感人群应减少户外活动
    2: _l("The very small number of unusually sensitive people should reduce outdoor activities."),
    # 儿童、老年人及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼
    3: _l("Children, the elderly and people with heart or respiratory disease should reduce prolonged, "
          "high-intensity outdoor exercise."),
    # 儿童、老年人及心脏病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，一般人群适量减少户外运动
    4: _l("Children, the elderly and people with heart or respiratory disease should avoid prolonged, "
          "high-intensity outdoor exercise; the general public should moderately reduce outdoor exercise."),
    # 儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动
    5: _l("Children, the elderly and people with heart or lung disease should stay indoors and stop outdoor "
          "exercise; the general public should reduce outdoor exercise."),
    # 儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动
    6: _l("Children, the elderly and the sick should stay indoors and avoid physical exertion; the general "
          "public should avoid outdoor activities."),
}

# The names under which HJ 633-2012 and CNEMC list primary pollutants.
_NAMES = {
    Pollutant.SO2: _l("Sulfur dioxide"),  # 二氧化硫
    Pollutant.NO2: _l("Nitrogen dioxide"),  # 二氧化氮
    Pollutant.PM10: _l("Particulate matter (PM10)"),  # 颗粒物(PM10)
    Pollutant.CO: _l("Carbon monoxide"),  # 一氧化碳
    Pollutant.PM25: _l("Fine particulate matter (PM2.5)"),  # 细颗粒物(PM2.5)
}
_O3_1H = _l("Ozone, 1 hour")  # 臭氧1小时
_O3_8H = _l("Ozone, 8 hours")  # 臭氧8小时


def category_title(category: Category) -> LazyString:
    """The level and name of a category, e.g. 一级 优."""
    return _TITLES[category.level]


def health_effect(category: Category) -> LazyString:
    """The category's health effect (健康影响情况)."""
    return _HEALTH_EFFECTS[category.level]


def advice(category: Category) -> LazyString:
    """The category's advice (建议采取的措施)."""
    return _ADVICE[category.level]


def pollutant_name(pollutant: Pollutant, daily: bool) -> LazyString:
    """A pollutant's published name; O3 is 臭氧8小时 in the daily report and 臭氧1小时 in the hourly one.

    For a daily result whose O3 index came from the 1-hour maximum (AqiResult.o3_averaging == "1h"), pass
    daily=False to name it 臭氧1小时."""
    if pollutant is Pollutant.O3:
        return _O3_8H if daily else _O3_1H
    return _NAMES[pollutant]
