"""The volunteer service record certificate (志愿服务记录证明) of one year of a volunteer's confirmed hours, as
《志愿服务条例》 art. 19 asks organisers to issue on request — the volunteer's name, the organisers, the activities with
their dates and hours, the year's total, the issuing office and date — as an editable Word document or as a PDF to
print or send as it is. It says that it is issued from this site's records.

The PDF's Chinese is set in ReportLab's built-in CID font STSong-Light (Adobe-GB1): no font file is shipped or
downloaded, and the PDF reader supplies the glyphs from its own Song typeface, as it does for any PDF that uses one
of the standard CJK fonts."""
import io
import re
from datetime import date
from xml.sax.saxutils import escape

from docx import Document
from docx.shared import Mm, Pt
from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.i18n import current_locale
from app.participation.volunteers import ServiceYear, format_hours
from app.web.text import xml_safe

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIMETYPE = "application/pdf"
PDF_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
# Runs of characters Helvetica sets (WinAnsi: ASCII and Latin-1), captured so that split() keeps them.
_LATIN = re.compile(r"([\x20-\x7e\u00a0-\u00ff]+)")


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


def _pdf_font() -> str:
    """The CID font, registered once per process."""
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def _p(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: stray control characters dropped, markup characters escaped (a name with "<"
    stays a name). Latin runs are set in Helvetica, whose metrics every reader has; the rest in the CID font (the
    CID font's own Latin glyphs come out unevenly spaced where a reader substitutes its Song typeface)."""
    runs = _LATIN.split(_t(text))
    return Paragraph("".join(f'<font face="{LATIN_FONT}">{escape(run)}</font>' if index % 2 else escape(run)
                             for index, run in enumerate(runs) if run), style)


def certificate_pdf(name: str, year: ServiceYear, *, office: str, site: str, issued_on: date) -> bytes:
    """One year of a volunteer's record as a PDF (A4), with the same content as the Word document."""
    font = _pdf_font()
    # Chinese lines break between any two characters; English ones between words (a long run without spaces, a
    # Chinese title on an English certificate, is still split where it must).
    wrap = "CJK" if current_locale().startswith("zh") else None
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap=wrap, spaceAfter=6)
    title = ParagraphStyle("title", parent=body, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=18)
    cell = ParagraphStyle("cell", parent=body, fontSize=10.5, leading=15, spaceAfter=0)
    heading = _("Volunteer service record certificate")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, topMargin=37 * mm, bottomMargin=35 * mm, leftMargin=28 * mm,
                                 rightMargin=26 * mm, title=_t(heading), author=_t(office), subject=_t(site),
                                 creator=_t(site), lang=current_locale().replace("_", "-"), invariant=True)
    rows = [[_p(text, cell) for text in (_("Date"), _("Activity"), _("Organiser"), _("Hours"))]]
    rows += [[_p(format_date(line.day, "medium"), cell), _p(line.activity_title, cell), _p(line.organiser, cell),
              _p(format_hours(line.hours), cell)] for line in year.lines]
    rows.append([_p(_("Total for %(year)d", year=year.year), cell), "", "", _p(format_hours(year.total), cell)])
    table = Table(rows, colWidths=[30 * mm, 60 * mm, 42 * mm, 24 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("SPAN", (0, -1), (2, -1)),
    ]))
    document.build([
        _p(heading, title),
        _p(_("This is to certify that %(name)s took part in the following volunteer activities in %(year)d, with "
             "%(hours)s hours of volunteer service in total.", name=name, year=year.year,
             hours=format_hours(year.total)), body),
        _p(_("Organisers: %(organisers)s", organisers="; ".join(year.organisers)), body),
        Spacer(1, 4 * mm), table, Spacer(1, 8 * mm),
        _p(_("Issued from the records of %(site)s: the hours are those the organisers confirmed after each activity "
             "(Regulations on Volunteer Service, article 19).", site=site), body),
        _p(_("Issued by: %(office)s", office=office), body),
        _p(_("Date of issue: %(day)s", day=format_date(issued_on, "long")), body),
    ])
    return buffer.getvalue()
