"""Every AQI category and pollutant has its translated texts."""
from app.environment.aqi import CATEGORIES, Pollutant
from app.environment.aqi_texts import advice, category_title, health_effect, pollutant_name


def test_every_category_has_a_title_a_health_effect_and_advice_of_its_own():
    for texts in (category_title, health_effect, advice):
        rendered = [str(texts(category)) for category in CATEGORIES]
        assert all(rendered) and len(set(rendered)) == len(CATEGORIES)


def test_ozone_is_named_by_its_averaging_time_and_the_others_alike_in_both_reports():
    assert str(pollutant_name(Pollutant.O3, daily=True)) != str(pollutant_name(Pollutant.O3, daily=False))
    names = {str(pollutant_name(p, daily=True)) for p in Pollutant}
    assert len(names) == len(Pollutant)
    assert str(pollutant_name(Pollutant.PM25, daily=True)) == str(pollutant_name(Pollutant.PM25, daily=False))
