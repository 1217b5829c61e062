"""The yearly 生态环境状况公报 as a public page and as a DOCX a bureau can edit and file."""
from flask import Blueprint, Flask, Response, abort, redirect, url_for

from app.environment import bulletin
from app.environment.water_queries import class_html
from app.extensions import db
from app.i18n import local_today
from app.web.htmx import render

bp = Blueprint("environment_bulletin", __name__, url_prefix="/environment/bulletin")
FIRST_YEAR = 2000
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _bulletin(year: int) -> bulletin.Bulletin:
    today = local_today()
    if not FIRST_YEAR <= year <= today.year:
        abort(404)
    result = bulletin.build(db.session, year, today)
    if result is None:
        abort(404)
    return result


@bp.get("/")
def index():
    """The last complete year's bulletin."""
    return redirect(url_for(".page", year=local_today().year - 1))


@bp.get("/<int:year>")
def page(year: int):
    today = local_today()
    return render("environment/bulletin.html", bulletin=_bulletin(year), signed=bulletin.signed,
                  signed_points=bulletin.signed_points, class_html=class_html,
                  air_sentence=bulletin.air_sentence, water_sentence=bulletin.water_sentence,
                  sources_sentence=bulletin.sources_sentence, method_sections=bulletin.METHOD_SECTIONS,
                  method_sources=bulletin.METHOD_SOURCES,
                  years=range(today.year, max(FIRST_YEAR, today.year - 6), -1))


@bp.get("/<int:year>.docx")
def document(year: int):
    """The bulletin as an editable Word document, in the reader's language."""
    body = bulletin.docx(_bulletin(year))
    return Response(body, mimetype=DOCX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="environment-bulletin-{year}.docx"'})
