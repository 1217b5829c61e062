"""Forms for districts, the city's attributes and bureaus."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.org.models import CitySize, DistrictKind, Moisture, Region, Terrain
from app.web.forms import BaseForm, choices

CODE_RULE = Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Use letters, digits, dashes or underscores."))


class LocalizedNameForm(BaseForm):
    code = StringField(_l("Code"), validators=[InputRequired(message=_l("Enter a code.")), Length(max=32), CODE_RULE])
    name_zh_hans = StringField(_l("Name (Simplified Chinese)"),
                               validators=[InputRequired(message=_l("Enter the name.")), Length(max=80)])
    name_zh_hant = StringField(_l("Name (Traditional Chinese)"), validators=[Optional(), Length(max=80)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=120)])

    def data_for_service(self) -> dict:
        """Every field's value by name, the CSRF token left out."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class PlaceForm(LocalizedNameForm):
    kind = SelectField(_l("Kind"), choices=choices(DistrictKind.choices()))
    terrain = SelectField(_l("Terrain"), choices=choices(Terrain.choices()))
    region = SelectField(_l("Region"), choices=choices(Region.choices()))
    moisture = SelectField(_l("Climate zone"), choices=choices(Moisture.choices()))
    size = SelectField(_l("City size"), choices=choices([("", _l("— not set —")), *CitySize.choices()]),
                       validators=[Optional()])
    plateau = BooleanField(_l("In the Qinghai–Tibet Plateau (青藏高原地区)"),
                           description=_l("Chooses the plateau variant of a target, such as forest and grass "
                                          "coverage of at least 70 %."))
    coastal = BooleanField(_l("Coastal"), description=_l("Coastal indicators (coastal waters, shoreline) apply "
                                                         "only to coastal places."))
    has_grassland = BooleanField(_l("Has grassland"), description=_l("Grassland indicators apply only to places "
                                                                     "with grassland."))
    population = IntegerField(_l("Resident population"), validators=[
        Optional(), NumberRange(min=0, max=100_000_000, message=_l("Enter a whole number of people."))])
    adult_population = IntegerField(_l("Adult population (18 and over)"), validators=[
        Optional(), NumberRange(min=0, max=100_000_000, message=_l("Enter a whole number of people."))],
        description=_l("Weights the results of sampled surveys by district; leave empty if unknown, and the "
                       "results are shown unweighted."))
    sort_order = IntegerField(_l("Order in lists"), default=0, validators=[
        Optional(), NumberRange(min=0, max=9999, message=_l("Enter a number from 0 to 9999."))])
    active = BooleanField(_l("Active"), default=True)

    def validate_adult_population(self, field) -> None:
        if field.data is not None and self.population.data is not None and field.data > self.population.data:
            raise ValidationError(_l("The adult population cannot be larger than the resident population."))

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        data["size"] = data["size"] or None
        data["sort_order"] = data["sort_order"] or 0
        return data


class BureauForm(LocalizedNameForm):
    name_zh_hans = StringField(_l("Name (Simplified Chinese)"),
                               validators=[InputRequired(message=_l("Enter the name.")), Length(max=120)])
    name_zh_hant = StringField(_l("Name (Traditional Chinese)"), validators=[Optional(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    place_id = SelectField(_l("District"), coerce=int, choices=[],
                           description=_l("Only for a district's own branch; leave empty for a city bureau."))
    active = BooleanField(_l("Active"), default=True)

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        data["place_id"] = data["place_id"] or None
        return data
