"""Build the fictional city of 云溪市 (Yunxi): districts, the bureaus that lead indicators, one user per role.

Idempotent: rows are looked up by code or username and only missing ones are created.
"""
import os
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.accounts.permissions import Role
from app.i18n import local_today, site_zone
from app.indicators.queries import catalogue_for_year
from app.demo import disclosure, environment, indicators, notices, participation, rectification, surveys, tips
from app.disclosure.services import Rules as disclosure_rules
from app.tips.services import Rules
from app.workdays import schedule
from app.workdays import services as workday_services
from app.workdays.models import overrides as calendar_overrides
from app.org import outlines
from app.org.models import Bureau, Place, PlaceLevel

CITY = dict(code="yunxi", name_zh_hans="云溪市", name_zh_hant="雲溪市", name_en="Yunxi City",
            terrain="hilly", region="central", moisture="humid", size="large", coastal=False, plateau=False,
            has_grassland=False, population=3_120_000)

# (code, zh_Hans, zh_Hant, en, kind, terrain, population)
DISTRICTS = [
    ("yunxi-qu", "云溪区", "雲溪區", "Yunxi District", "urban_district", "plain", 612_000),
    ("donghu", "东湖区", "東湖區", "Donghu District", "urban_district", "plain", 455_000),
    ("qingjiang", "清江市", "清江市", "Qingjiang (county-level city)", "county_city", "plain", 498_000),
    ("qingshan", "青山县", "青山縣", "Qingshan County", "county", "mountain", 236_000),
    ("baihe", "白河县", "白河縣", "Baihe County", "county", "hilly", 391_000),
    ("songling", "松岭县", "松嶺縣", "Songling County", "county", "mountain", 187_000),
    ("shimen", "石门县", "石門縣", "Shimen County", "county", "hilly", 344_000),
    ("meixi", "梅溪县", "梅溪縣", "Meixi County", "county", "plain", 397_000),
]

# The lead units (牵头单位) of the task-breakdown table in shared/seeds/002, plus the bureaus the other
# indicators and the survey need.
BUREAUS = [
    ("eeb", "市生态环境局", "市生態環境局", "Municipal Ecology and Environment Bureau"),
    ("gov-office", "市政府办公室", "市政府辦公室", "General Office of the Municipal Government"),
    ("org-dept", "市委组织部", "市委組織部", "Organization Department of the Municipal Party Committee"),
    ("publicity", "市委宣传部", "市委宣傳部", "Publicity Department of the Municipal Party Committee"),
    ("water", "市水利和湖泊局", "市水利和湖泊局", "Municipal Water Resources and Lakes Bureau"),
    ("natres", "市自然资源和规划局", "市自然資源和規劃局", "Municipal Natural Resources and Planning Bureau"),
    ("forestry", "市林业局", "市林業局", "Municipal Forestry Bureau"),
    ("housing", "市住房和城乡建设局", "市住房和城鄉建設局", "Municipal Housing and Urban-Rural Development Bureau"),
    ("devref", "市发展和改革委员会", "市發展和改革委員會", "Municipal Development and Reform Commission"),
    ("agri", "市农业农村局", "市農業農村局", "Municipal Agriculture and Rural Affairs Bureau"),
    ("econ", "市经济和信息化局", "市經濟和信息化局", "Municipal Economy and Information Technology Bureau"),
    ("transport", "市交通运输局", "市交通運輸局", "Municipal Transport Bureau"),
    ("urban-mgmt", "市城市管理执法局", "市城市管理執法局", "Municipal Urban Management and Law Enforcement Bureau"),
    ("health", "市卫生健康委员会", "市衛生健康委員會", "Municipal Health Commission"),
    ("finance", "市财政局", "市財政局", "Municipal Finance Bureau"),
    ("stats", "市统计局", "市統計局", "Municipal Statistics Bureau"),
]

# (username, display name, role, bureau code)
USERS = [
    ("admin", "生态办管理员", Role.ADMIN, None),
    ("editor", "生态环境局编辑", Role.BUREAU_EDITOR, "eeb"),
    ("handler", "生态环境局举报办理员", Role.TIP_HANDLER, "eeb"),
    ("reviewer", "审核员", Role.REVIEWER, None),
    ("interviewer", "电话访问员", Role.INTERVIEWER, None),
    ("head", "生态环境局政府信息公开工作机构负责人", Role.DISCLOSURE_HEAD, "eeb"),
]


def _get_or_create(session, model, code: str, **values):
    row = session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code, **values)
        session.add(row)
        session.flush()
        return row, True
    return row, False


def add_schematic_outlines(session) -> None:
    """The demo city has no surveyed boundaries: give each district without an outline one tile of the map's box
    (in district order, four to a row), marked schematic so that the map says what it is."""
    places = session.scalars(select(Place).where(Place.level == PlaceLevel.DISTRICT.value)
                             .order_by(Place.sort_order, Place.id)).all()
    for place, tile in zip(places, outlines.schematic_tiles(current_app.config["TIP_BOUNDS"], len(places))):
        if not place.outline:
            place.outline = tile
    session.flush()


def run(session, credentials_file: str, years: int = 3,
        index_scheme: str = "{bureau_code}/{year}-{seq:05d}") -> dict:
    """Create whatever of the demo city is missing; returns what was created (with new passwords)."""
    created = {"places": 0, "bureaus": 0, "users": {}, "indicator_values": 0}
    _city, new = _get_or_create(session, Place, CITY["code"], level=PlaceLevel.CITY.value,
                                **{k: v for k, v in CITY.items() if k != "code"})
    created["places"] += new
    for order, (code, zh_hans, zh_hant, en, kind, terrain, population) in enumerate(DISTRICTS, start=1):
        _place, new = _get_or_create(session, Place, code, level=PlaceLevel.DISTRICT.value, name_zh_hans=zh_hans,
                                     name_zh_hant=zh_hant, name_en=en, kind=kind, terrain=terrain,
                                     region=CITY["region"], moisture=CITY["moisture"], coastal=CITY["coastal"],
                                     plateau=CITY["plateau"], has_grassland=CITY["has_grassland"],
                                     population=population, sort_order=order)
        created["places"] += new
    add_schematic_outlines(session)
    bureaus = {}
    for code, zh_hans, zh_hant, en in BUREAUS:
        bureaus[code], new = _get_or_create(session, Bureau, code, name_zh_hans=zh_hans, name_zh_hant=zh_hant,
                                            name_en=en)
        created["bureaus"] += new
    for username, display_name, role, bureau_code in USERS:
        if session.scalar(select(User).where(User.username == username)):
            continue
        password = secrets.token_urlsafe(12)
        accounts.create_user(session, None, username=username, display_name=display_name, password=password,
                             role=role, bureau=bureaus.get(bureau_code))
        created["users"][username] = password
    if created["users"]:
        _write_credentials(Path(credentials_file), created["users"])
    # The State Council holiday notices, before anything counts a deadline in working days.
    created["calendar_days"] = workday_services.import_schedule(session, None, schedule.official(),
                                                                source="seed-demo: official schedule")["added"]
    _load_indicators(session, created, years)
    admin = session.scalar(select(User).where(User.username == "admin"))
    # The preconditions belong to the catalogue version in force in the year they are checked for.
    last = indicators.DEMO_YEARS[-1]
    created["precondition_checks"] = indicators.load_preconditions(
        session, catalogue_for_year(session, last), admin, last, local_today())
    # Monitoring data before the surveys and notices, whose refresh of computed values then finds it too.
    created.update(environment.load(session, local_today()))
    interviewer = session.scalar(select(User).where(User.username == "interviewer"))
    created.update(surveys.load(session, admin, interviewer, year=indicators.DEMO_YEARS[-1]))
    created.update(tips.load(session, admin, Rules()))
    if created["tip_codes"]:
        # Kept beside the passwords so that a newcomer can follow a demo tip as its reporter would.
        _write_credentials(Path(credentials_file), {f"tip-{number}": code
                                                    for number, code in enumerate(created["tip_codes"], start=1)})
    created.update(disclosure.load(session, admin, disclosure_rules(overrides=calendar_overrides(session)),
                                   current_app.config["SECRET_KEY"]))
    created.update(notices.load(session, session.scalar(select(User).where(User.username == "editor")),
                                session.scalar(select(User).where(User.username == "reviewer")), index_scheme))
    created.update(participation.load(session, admin, current_app.config["SECRET_KEY"], today=local_today(),
                                      zone=site_zone()))
    organisations = participation.load_organisations(session, admin, current_app.config["SECRET_KEY"],
                                                     today=local_today(), zone=site_zone())
    if organisations["organisation_users"]:
        # The registered organisations' organisers sign in like the other demo staff: passwords saved alike.
        _write_credentials(Path(credentials_file), organisations["organisation_users"])
        created["users"].update(organisations["organisation_users"])
    created["participation_organisations"] = organisations["participation_organisations"]
    ledger = rectification.load(session, admin, today=local_today(), zone=site_zone(),
                                upload_dir=f"{current_app.config['UPLOAD_DIR']}/rectification",
                                key=current_app.config["SECRET_KEY"])
    if ledger["users"]:
        # The lead units' editors report on their tasks: passwords saved with the other demo staff's.
        _write_credentials(Path(credentials_file), ledger["users"])
        created["users"].update(ledger["users"])
    created["rectification_tasks"] = ledger["rectification_tasks"]
    return created


def _load_indicators(session, created: dict, years: int) -> None:
    indicators.load_catalogues(session)
    editor = session.scalar(select(User).where(User.username == "editor"))
    reviewer = session.scalar(select(User).where(User.username == "reviewer"))
    last = indicators.DEMO_YEARS[-1]
    created["indicator_values"] = indicators.load_values(session, editor, reviewer,
                                                         years=tuple(range(last - years + 1, last + 1)))


def _write_credentials(path: Path, passwords: dict) -> None:
    """Keep the generated demo passwords in instance/ (never committed), readable only by the owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        for username, password in passwords.items():
            handle.write(f"{username}\t{password}\n")
    os.chmod(path, 0o600)


def summary(created: dict, credentials_file: str) -> str:
    """What seed-demo prints: counts, new staff passwords and the demo tips' tracking codes."""
    lines = [f"Demo city: {created['places']} places, {created['bureaus']} bureaus and "
             f"{created['indicator_values']} indicator values, {created['surveys']} surveys with "
             f"{created['survey_responses']} responses, {created['tips']} pollution tips, "
             f"{created.get('notices', 0)} disclosure notices and {created['disclosure_requests']} disclosure requests "
             f"created; {created.get('calendar_days', 0)} holiday-calendar days added."]
    if created["users"]:
        lines.append(f"Demo staff accounts (also saved in {credentials_file}):")
        for username, password in created["users"].items():
            lines.append(f"  {username:10} {password}")
    else:
        lines.append(f"Demo staff accounts already exist; passwords are in {credentials_file}.")
    if created.get("tip_codes"):
        lines.append("Tracking codes of the demo tips (follow them at /tips/track): "
                     + ", ".join(created["tip_codes"]))
    return "\n".join(lines)
