"""Back-office forms of the environment module: monitoring sites, the value import, station keys."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app.environment.imports import KIND_TITLES, ImportKind
from app.environment.models import ControlLevel, DataState, SourceKind, WaterBody
from app.web.forms import BaseForm, choices

CODE_RULE = Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Use letters, digits, dashes or underscores."))
CLASS_LABELS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ")


class SiteForm(BaseForm):
    """What every monitoring site has; the district and bureau choices are filled by the view."""

    code = StringField(_l("Code"), validators=[InputRequired(message=_l("Enter a code.")), Length(max=32),
                                               CODE_RULE],
                       description=_l("The code the monitoring centre uses in its files "
                                      "(columns 站点编码, 断面编码, 水源地编码)."))
    name_zh_hans = StringField(_l("Name (Simplified Chinese)"),
                               validators=[InputRequired(message=_l("Enter the name.")), Length(max=120)])
    name_zh_hant = StringField(_l("Name (Traditional Chinese)"), validators=[Optional(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    place_id = SelectField(_l("District"), coerce=int,
                           validators=[InputRequired(message=_l("Choose the district the site lies in."))])
    bureau_id = SelectField(_l("Bureau"), coerce=int,
                            validators=[InputRequired(message=_l("Choose the bureau that runs the site."))])
    latitude = FloatField(_l("Latitude"), validators=[
        Optional(), NumberRange(min=-90, max=90, message=_l("Enter a latitude between -90 and 90."))])
    longitude = FloatField(_l("Longitude"), validators=[
        Optional(), NumberRange(min=-180, max=180, message=_l("Enter a longitude between -180 and 180."))])
    sort_order = IntegerField(_l("Order in lists"), default=0, validators=[
        Optional(), NumberRange(min=0, max=9999, message=_l("Enter a number from 0 to 9999."))])
    active = BooleanField(_l("Active"), default=True,
                          description=_l("An inactive site keeps its values but no longer counts in the means."))

    def data_for_service(self) -> dict:
        """Every field's value by name, the CSRF token left out."""
        data = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        data["sort_order"] = data.get("sort_order") or 0
        for name in ("name_zh_hant", "name_en", "water_zh_hant", "water_en"):
            if name in data:
                data[name] = data[name] or ""
        return data


class StationForm(SiteForm):
    control_level = SelectField(_l("Control level"), choices=choices(ControlLevel.choices()),
                                description=_l("The city's value is the mean over its national and provincial "
                                               "stations; a district's over every station in it."))


class SectionForm(SiteForm):
    control_level = SelectField(_l("Control level"), choices=choices(ControlLevel.choices()))
    body = SelectField(_l("Water body"), choices=choices(WaterBody.choices()),
                       description=_l("Lakes and reservoirs have their own total phosphorus limits."))
    water_zh_hans = StringField(_l("River or lake (Simplified Chinese)"),
                                validators=[InputRequired(message=_l("Enter the river or lake.")), Length(max=120)])
    water_zh_hant = StringField(_l("River or lake (Traditional Chinese)"), validators=[Optional(), Length(max=120)])
    water_en = StringField(_l("River or lake (English)"), validators=[Optional(), Length(max=200)])
    target_class = SelectField(_l("Target class"), coerce=int,
                               choices=choices([(n, label) for n, label in enumerate(CLASS_LABELS, start=1)]),
                               default=3)


class SourceForm(SiteForm):
    kind = SelectField(_l("Kind of source"), choices=choices(SourceKind.choices()),
                       description=_l("Surface sources are judged by GB 3838-2002 class Ⅲ, groundwater by "
                                      "GB/T 14848-2017 class Ⅲ."))
    body = SelectField(_l("Water body of a surface source"),
                       choices=choices([("", _l("None (groundwater source)")), *WaterBody.choices()]),
                       validators=[Optional()],
                       description=_l("A source on a lake or reservoir meets the stricter total phosphorus limit "
                                      "of GB 3838-2002 (class Ⅲ: 0.05 mg/L, rivers 0.2 mg/L). Leave it empty for a "
                                      "groundwater source."))

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        data["body"] = data.get("body") or None
        return data


class ImportForm(BaseForm):
    kind = SelectField(_l("What the file holds"), choices=choices(list(KIND_TITLES.items())),
                       default=ImportKind.AIR_HOURLY.value)
    state = SelectField(_l("State of the values"), choices=choices(DataState.choices()),
                        default=DataState.PROVISIONAL.value,
                        description=_l("Validated values replace provisional ones (the old values are kept as "
                                       "revisions); provisional values never replace validated ones."))
    file = FileField(_l("XLSX or CSV file"), validators=[FileRequired(message=_l("Choose an XLSX or CSV file."))],
                     description=_l("As the monitoring centre exports it: one row per station-hour, station-day, "
                                    "section-month or source-quarter; units in the headers, e.g. PM2.5(μg/m³)."))


class KeyForm(BaseForm):
    name = StringField(_l("Used by"), validators=[InputRequired(message=_l("Give the key a name.")),
                                                  Length(max=120)],
                       description=_l("For example the station house or the data logger that pushes with it."))
    bureau_id = SelectField(_l("Bureau"), coerce=int,
                            validators=[InputRequired(message=_l("Choose the bureau that runs the site."))],
                            description=_l("The key may push values for this bureau's stations only."))
