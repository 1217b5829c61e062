"""Survey back office: the builder, opening and closing, invitations and quotas, telephone interviews,
results with breakdowns, streamed exports, and voiding responses."""
import io
import secrets

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, abort, current_app, flash, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from app.accounts.permissions import Permission
from app.db_types import utcnow
from app.extensions import db
from app.i18n import current_locale, from_local_input, site_zone
from app.indicators import providers
from app.indicators.queries import catalogue_for_year
from app.org.queries import districts
from app.surveys import exports, queries, services, template
from app.surveys.answers import Answers, read_answers
from app.surveys.forms import (
    ConfirmForm,
    InvitationsForm,
    NewSurveyForm,
    OptionForm,
    QuestionEditForm,
    QuestionForm,
    SectionForm,
    SurveySettingsForm,
    VoidForm,
)
from app.surveys.models import (
    CountsAs,
    Measure,
    QuestionKind,
    ResponseChannel,
    SurveyInvitation,
    SurveyMode,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
    SurveyState,
)
from app.surveys.services import SurveyError, Texts
from app.web.auth import permission_required
from app.web.htmx import render, see_other
from app.web.pagination import paginate
from app.web.params import is_db_int
from app.web.urls import public_url

bp = Blueprint("surveys_admin", __name__, url_prefix="/admin/surveys")


def _survey(survey_id: int):
    return queries.load_survey(db.session, survey_id) or abort(404)


def _texts(form, field: str) -> Texts:
    return Texts(*(getattr(form, f"{field}_{locale}").data or "" for locale in ("zh_hans", "zh_hant", "en")))


def _utc(value):
    return from_local_input(value)


@bp.route("/", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def index():
    form = NewSurveyForm()
    if form.validate_on_submit():
        title, mode = Texts(form.title_zh_hans.data), SurveyMode(form.mode.data)
        if form.from_template.data:
            survey = template.build_template(db.session, current_user, mode=mode, title=title)
        else:
            survey = services.create_survey(db.session, current_user, title=title, mode=mode.value)
        db.session.commit()
        flash(_("Survey created as a draft."), "success")
        return see_other(url_for(".detail", survey_id=survey.id))
    counts = dict(db.session.execute(select(SurveyResponse.survey_id, func.count())
                                     .where(SurveyResponse.voided_at.is_(None))
                                     .group_by(SurveyResponse.survey_id)).all())
    return render("admin/surveys/index.html", surveys=queries.all_surveys(db.session), form=form, counts=counts,
                  status=422 if request.method == "POST" else 200)


def _condition_choices(survey, question=None):
    earlier = [q for q in services.ordered_questions(survey)
               if q.kind_enum.has_options and (question is None or q.position < question.position)]
    return [(0, _("Always shown"))] + [(o.id, f"{q.code}: {o.label}") for q in earlier for o in q.options]


@bp.route("/<int:survey_id>", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def detail(survey_id: int):
    """The builder: settings, sections and questions, and the state buttons."""
    survey = _survey(survey_id)
    form = SurveySettingsForm(obj=survey)
    if request.method == "GET":
        form.opens_at.data = survey.opens_at.astimezone(site_zone()).replace(tzinfo=None) if survey.opens_at else None
        form.closes_at.data = survey.closes_at.astimezone(site_zone()).replace(tzinfo=None) if survey.closes_at else None
    if form.validate_on_submit():
        try:
            services.update_survey(
                db.session, current_user, survey, title=_texts(form, "title"), intro=_texts(form, "intro"),
                mode=form.mode.data, opens_at=_utc(form.opens_at.data), closes_at=_utc(form.closes_at.data),
                publish_results=form.publish_results.data, paged=form.paged.data,
                indicator_period=form.indicator_period.data or None, post_stratify=form.post_stratify.data,
                retention_days=form.retention_days.data)
        except SurveyError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Settings saved."), "success")
            return see_other(url_for(".detail", survey_id=survey.id))
        survey = _survey(survey_id)
    question_form = QuestionForm(formdata=None)
    question_form.condition_option_id.choices = _condition_choices(survey)
    return render("admin/surveys/detail.html", survey=survey, form=form, section_form=SectionForm(formdata=None),
                  question_form=question_form, confirm=ConfirmForm(), locked=services.has_responses(db.session, survey),
                  next_states=services.TRANSITIONS[survey.state_enum],
                  status=422 if request.method == "POST" else 200)


@bp.post("/<int:survey_id>/state/<state>")
@permission_required(Permission.SURVEYS_MANAGE)
def change_state(survey_id: int, state: str):
    survey = _survey(survey_id)
    if not ConfirmForm().validate_on_submit() or state not in {s.value for s in SurveyState}:
        abort(400)
    try:
        services.change_state(db.session, current_user, survey, SurveyState(state))
        if state == SurveyState.CLOSED and survey.is_sampled and survey.indicator_period:
            _refresh_indicators(survey)
    except SurveyError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The survey is now %(state)s.", state=survey.state_enum.title), "success")
    return see_other(url_for(".detail", survey_id=survey_id))


def _refresh_indicators(survey) -> int:
    catalogue = catalogue_for_year(db.session, int(survey.indicator_period))
    return providers.refresh_computed_values(db.session, catalogue, survey.indicator_period) if catalogue else 0


@bp.post("/<int:survey_id>/indicators")
@permission_required(Permission.SURVEYS_MANAGE)
def send_to_indicators(survey_id: int):
    """Recompute the satisfaction and participation indicators from this sampled survey now."""
    survey = _survey(survey_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not (survey.is_sampled and survey.indicator_period):
        flash(_("Only a sampled survey with an indicator year feeds the indicators."), "error")
    else:
        recorded = _refresh_indicators(survey)
        db.session.commit()
        flash(_("%(n)d indicator values updated.", n=recorded), "success")
    return see_other(url_for(".results", survey_id=survey_id))


@bp.post("/<int:survey_id>/sections")
@permission_required(Permission.SURVEYS_MANAGE)
def add_section(survey_id: int):
    survey = _survey(survey_id)
    form = SectionForm()
    if not form.validate_on_submit():
        flash(_("Give the section a title."), "error")
        return see_other(url_for(".detail", survey_id=survey_id))
    try:
        services.add_section(db.session, current_user, survey, _texts(form, "title"))
    except SurveyError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
    return see_other(url_for(".detail", survey_id=survey_id) + "#sections")


def _options_from(text: str) -> list[Texts]:
    options = []
    for line in (text or "").splitlines():
        parts = [part.strip() for part in line.split("|")]
        if parts and parts[0]:
            options.append(Texts(*(parts + ["", ""])[:3]))
    return options


def _measure(chosen: str, kind: QuestionKind) -> Measure | None:
    if chosen == services.STANDARD_MEASURE:
        return services.standard_measure(kind)
    return Measure(chosen) if chosen else None


@bp.route("/sections/<int:section_id>/questions", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def add_question(section_id: int):
    section = db.session.get(SurveySection, section_id) or abort(404)
    survey = _survey(section.survey_id)
    form = QuestionForm()
    form.condition_option_id.choices = _condition_choices(survey)
    if form.validate_on_submit():
        kind = QuestionKind(form.kind.data)
        options = _options_from(form.options.data)
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.DEMOGRAPHIC) and len(options) < 2:
            form.options.errors.append(_("Give at least two options, one per line."))
        else:
            try:
                services.add_question(
                    db.session, current_user, section, kind=kind, text=_texts(form, "text"),
                    help=_texts(form, "help"), required=form.required.data, max_choices=form.max_choices.data,
                    measure=_measure(form.measure.data, kind),
                    condition_option_id=form.condition_option_id.data or None, options=options or None)
            except SurveyError as error:
                db.session.rollback()
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                flash(_("Question added."), "success")
                return see_other(url_for(".detail", survey_id=survey.id) + f"#section-{section.id}")
    return render("admin/surveys/question_new.html", survey=survey, section=section, form=form,
                  status=422 if request.method == "POST" else 200)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def edit_question(question_id: int):
    question = db.session.get(SurveyQuestion, question_id) or abort(404)
    survey = _survey(question.survey_id)
    form = QuestionEditForm(obj=question)
    form.condition_option_id.choices = _condition_choices(survey, question)
    if request.method == "GET":
        form.condition_option_id.data = question.condition_option_id or 0
        form.measure.data = question.measure or ""
    if form.validate_on_submit():
        try:
            services.update_question(
                db.session, current_user, question, text=_texts(form, "text"), help=_texts(form, "help"),
                required=form.required.data, max_choices=form.max_choices.data,
                measure=_measure(form.measure.data, question.kind_enum),
                condition_option_id=form.condition_option_id.data or None)
        except SurveyError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Question saved."), "success")
            return see_other(url_for(".detail", survey_id=survey.id) + f"#question-{question.id}")
    option_forms = [(option, OptionForm(formdata=None, obj=option, prefix=f"o{option.id}"))
                    for option in question.options]
    for option, option_form in option_forms:
        option_form.counts_as.data = option.counts_as or ""
    return render("admin/surveys/question_edit.html", survey=survey, question=question, form=form,
                  option_forms=option_forms, new_option=OptionForm(formdata=None, prefix="new"),
                  confirm=ConfirmForm(), locked=services.has_responses(db.session, survey),
                  status=422 if request.method == "POST" else 200)


@bp.post("/questions/<int:question_id>/delete")
@permission_required(Permission.SURVEYS_MANAGE)
def delete_question(question_id: int):
    question = db.session.get(SurveyQuestion, question_id) or abort(404)
    survey_id = question.survey_id
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_question(db.session, current_user, question)
    except SurveyError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Question deleted."), "success")
    return see_other(url_for(".detail", survey_id=survey_id))


@bp.post("/options/<int:option_id>")
@permission_required(Permission.SURVEYS_MANAGE)
def update_option(option_id: int):
    option = db.session.get(SurveyOption, option_id) or abort(404)
    form = OptionForm(prefix=f"o{option.id}")
    if not form.validate_on_submit():
        flash(_("Check the option: %(errors)s", errors="; ".join(str(e) for errors in form.errors.values()
                                                                 for e in errors)), "error")
    else:
        try:
            services.update_option(db.session, current_user, option, label=_texts(form, "label"),
                                   counts_as=CountsAs(form.counts_as.data) if form.counts_as.data else None,
                                   weight=form.weight.data)
        except SurveyError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Option saved."), "success")
    return see_other(url_for(".edit_question", question_id=option.question_id))


@bp.post("/questions/<int:question_id>/options")
@permission_required(Permission.SURVEYS_MANAGE)
def add_option(question_id: int):
    question = db.session.get(SurveyQuestion, question_id) or abort(404)
    form = OptionForm(prefix="new")
    if not form.validate_on_submit():
        flash(_("Give the option a label."), "error")
    else:
        try:
            services.add_option(db.session, current_user, question, _texts(form, "label"))
        except SurveyError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
    return see_other(url_for(".edit_question", question_id=question_id))


# --- sampling: invitations and quotas ------------------------------------------------------------------

@bp.route("/<int:survey_id>/sample", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def sample(survey_id: int):
    """Invitation codes per district and quotas (target sample sizes), with progress."""
    survey = _survey(survey_id)
    form = InvitationsForm()
    places = districts(db.session)
    form.place_id.choices = [(0, _("Any district"))] + [(p.id, p.name) for p in places]
    if form.validate_on_submit():
        place = next((p for p in places if p.id == form.place_id.data), None)
        try:
            invitations = services.generate_invitations(db.session, current_user, survey, count=form.count.data,
                                                        place=place)
        except SurveyError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(n)d invitation codes generated.", n=len(invitations)), "success")
            return see_other(url_for(".sample", survey_id=survey.id))
    batches = db.session.execute(
        select(SurveyInvitation.batch, func.count(), func.count(SurveyInvitation.used_at))
        .where(SurveyInvitation.survey_id == survey.id)
        .group_by(SurveyInvitation.batch).order_by(SurveyInvitation.batch)).all()
    quota_questions = [q for q in services.ordered_questions(survey) if q.kind_enum.breaks_down]
    return render("admin/surveys/sample.html", survey=survey, form=form, batches=batches,
                  progress={p.option.id: p for p in queries.quota_progress(db.session, survey)},
                  quota_questions=quota_questions, tallies=queries.tallies(db.session, survey.id, [""]),
                  confirm=ConfirmForm(), status=422 if request.method == "POST" else 200)


@bp.post("/<int:survey_id>/quotas")
@permission_required(Permission.SURVEYS_MANAGE)
def save_quotas(survey_id: int):
    survey = _survey(survey_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    options = {o.id: o for q in services.ordered_questions(survey) if q.kind_enum.breaks_down for o in q.options}
    current = {p.option.id: p.target for p in queries.quota_progress(db.session, survey)}
    problems = []
    for option_id, option in options.items():
        raw = request.form.get(f"quota-{option_id}", "").strip()
        if raw and not (is_db_int(raw) and 0 <= int(raw) <= 1_000_000):
            problems.append(_("%(option)s: enter a whole number or leave it empty.", option=option.label))
            continue
        target = int(raw) if raw else None
        if target != current.get(option_id):
            services.set_quota(db.session, current_user, option, target)
    if problems:
        db.session.rollback()
        for problem in problems:
            flash(problem, "error")
    else:
        db.session.commit()
        flash(_("Quotas saved."), "success")
    return see_other(url_for(".sample", survey_id=survey_id) + "#quotas")


def _qr_svg(data: str) -> Markup:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return Markup(svg[svg.index("<svg"):])  # generated by qrcode from our own URL: safe to inline


@bp.get("/<int:survey_id>/invitations/<int:batch>")
@permission_required(Permission.SURVEYS_MANAGE)
def print_invitations(survey_id: int, batch: int):
    """A printable sheet of one batch: each code with its link and QR code."""
    survey = _survey(survey_id)
    invitations = queries.invitations(db.session, survey, batch)
    if not invitations:
        abort(404)
    links = {i.id: public_url("surveys.answer", survey_id=survey.id, code=i.code) for i in invitations}
    return render("admin/surveys/invitations_print.html", survey=survey, batch=batch, invitations=invitations,
                  links=links, qr={i.id: _qr_svg(links[i.id]) for i in invitations if i.used_at is None})


# --- telephone interviews ------------------------------------------------------------------------------

@bp.route("/<int:survey_id>/interview", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_INTERVIEW)
def interview(survey_id: int):
    """A keyboard-friendly form for entering a telephone interview; quota progress alongside."""
    survey = _survey(survey_id)
    if not survey.is_sampled:
        abort(404)
    questions = services.ordered_questions(survey)
    answers, status = Answers(), 200
    submission = request.form.get("submission", "")[:64] or secrets.token_hex(16)
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        answers = read_answers(questions, request.form)
        if request.form.get("consent") != "yes":
            answers.form_errors.append(_("Confirm that the notice was read to the respondent and they agreed."))
        if answers.valid:
            try:
                response = services.submit_response(
                    db.session, survey, questions, answers, channel=ResponseChannel.INTERVIEW,
                    submission_key=submission, locale=current_locale(), interviewer=current_user)
                db.session.flush()
                response_id = response.id
                db.session.commit()
            except services.AlreadySubmitted:
                db.session.rollback()
                flash(_("This interview was already saved."), "success")
                return see_other(url_for(".interview", survey_id=survey_id))
            except SurveyError as error:
                db.session.rollback()
                survey = _survey(survey_id)
                questions = services.ordered_questions(survey)
                answers.form_errors.append(str(error))
            else:
                flash(_("Interview saved as response %(id)d.", id=response_id), "success")
                return see_other(url_for(".interview", survey_id=survey_id))
        status = 422
    return render("admin/surveys/interview.html", survey=survey, questions=questions, answers=answers,
                  submission=submission, status=status, confirm=ConfirmForm(),
                  reason=services.not_accepting_reason(survey, utcnow()),
                  numbers={q.id: n for n, q in enumerate(questions, start=1)},
                  progress=queries.quota_progress(db.session, survey),
                  respondents=queries.tallies(db.session, survey.id, [""]).get(("n", ""), 0))


# --- results, exports and responses --------------------------------------------------------------------

@bp.get("/<int:survey_id>/results")
@permission_required(Permission.SURVEYS_MANAGE)
def results(survey_id: int):
    """Results with a breakdown by district or by any demographic question (htmx swaps the breakdown)."""
    survey = _survey(survey_id)
    questions = services.ordered_questions(survey)
    by_questions = [q for q in questions if q.kind_enum.breaks_down]
    by = next((q for q in by_questions if str(q.id) == request.args.get("by", "")), None)
    breakdown = queries.breakdown(db.session, survey, by) if by else None
    return render("admin/surveys/results.html", "admin/surveys/_breakdown.html", survey=survey,
                  results=queries.survey_results(db.session, survey), by_questions=by_questions, by=by,
                  breakdown=breakdown, confirm=ConfirmForm())


@bp.get("/<int:survey_id>/export.<fmt>")
@permission_required(Permission.SURVEYS_MANAGE)
def export(survey_id: int, fmt: str):
    survey = _survey(survey_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    chunks = exports.csv_chunks if fmt == "csv" else exports.xlsx_chunks
    content_type = exports.CSV_CONTENT_TYPE if fmt == "csv" else exports.XLSX_MIMETYPE
    return Response(stream_with_context(chunks(db.session, survey)), content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-responses.{fmt}"'})


@bp.get("/<int:survey_id>/responses")
@permission_required(Permission.SURVEYS_MANAGE)
def responses(survey_id: int):
    survey = _survey(survey_id)
    page = paginate(db.session, select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                    .order_by(SurveyResponse.id.desc()), current_app.config["PAGE_SIZE"])
    return render("admin/surveys/responses.html", survey=survey, page=page)


@bp.route("/responses/<int:response_id>", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def response_detail(response_id: int):
    response = db.session.get(SurveyResponse, response_id) or abort(404)
    survey = _survey(response.survey_id)
    form = VoidForm()
    if form.validate_on_submit():
        try:
            services.void_response(db.session, current_user, response, form.reason.data)
        except SurveyError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Response voided; it no longer counts in the results."), "success")
            return see_other(url_for(".response_detail", response_id=response_id))
    given = services.answers_of(response)
    return render("admin/surveys/response.html", survey=survey, response=response, form=form, given=given,
                  questions=services.ordered_questions(survey), status=422 if request.method == "POST" else 200)


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.web.nav import add_staff

    app.register_blueprint(bp)
    add_staff(app, "surveys_admin.index", _l("Surveys"), Permission.SURVEYS_MANAGE,
              _l("Build surveys, run the sample with invitation codes and quotas, see and export results."))
    add_staff(app, "surveys_admin.interviews", _l("Telephone interviews"), Permission.SURVEYS_INTERVIEW,
              _l("Enter the answers of sampled residents interviewed by telephone."))


@bp.get("/interviews")
@permission_required(Permission.SURVEYS_INTERVIEW)
def interviews():
    """The sampled surveys an interviewer can enter answers for."""
    surveys = [s for s in queries.open_surveys(db.session) if s.is_sampled]
    return render("admin/surveys/interviews.html", surveys=surveys)
