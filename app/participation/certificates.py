"""The volunteer service record certificate (志愿服务记录证明): a Word document of one year of a volunteer's confirmed
hours, as 《志愿服务条例》 art. 19 asks organisers to issue on request — the volunteer's name, the organisers, the
activities with their dates and hours, the year's total, the issuing office and date. It says that it is issued
from this site's records."""
import io
from datetime import date

from docx import Document
from docx.shared import Mm, Pt
from flask_babel import format_date
from flask_babel import gettext as _

from app.participation.volunteers import ServiceYear, format_hours
from app.web.text import xml_safe

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _t(value: object) -> str:
    """Text for the document: python-docx refuses control characters, so a stray stored one is dropped."""
    return xml_safe(str(value))


def certificate_docx(name: str, year: ServiceYear, *, office: str, site: str, issued_on: date) -> bytes:
    """One year of a volunteer's record as an editable Word document (A4)."""
    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.top_margin, page.bottom_margin, page.left_margin, page.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    document.styles["Normal"].font.size = Pt(12)
    document.core_properties.title = _t(_("Volunteer service record certificate"))
    document.add_heading(_t(_("Volunteer service record certificate")), level=0)
    document.add_paragraph(_t(_(
        "This is to certify that %(name)s took part in the following volunteer activities in %(year)d, with "
        "%(hours)s hours of volunteer service in total.", name=name, year=year.year, hours=format_hours(year.total))))
    document.add_paragraph(_t(_("Organisers: %(organisers)s", organisers="; ".join(year.organisers))))
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, (_("Date"), _("Activity"), _("Organiser"), _("Hours"))):
        cell.text = _t(text)
    for line in year.lines:
        for cell, text in zip(table.add_row().cells, (format_date(line.day, "medium"), line.activity_title,
                                                     line.organiser, format_hours(line.hours))):
            cell.text = _t(text)
    total = table.add_row().cells
    total[0].text = _t(_("Total for %(year)d", year=year.year))
    total[3].text = _t(format_hours(year.total))
    document.add_paragraph()
    document.add_paragraph(_t(_(
        "Issued from the records of %(site)s: the hours are those the organisers confirmed after each activity "
        "(Regulations on Volunteer Service, article 19).", site=site)))
    document.add_paragraph(_t(_("Issued by: %(office)s", office=office)))
    document.add_paragraph(_t(_("Date of issue: %(day)s", day=format_date(issued_on, "long"))))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
