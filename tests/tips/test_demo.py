"""The demo tips: their tracking codes are kept beside the demo passwords and open the tips' tracking pages."""


def test_seed_demo_saves_the_demo_tips_tracking_codes(app, runner, client, demo_city):
    with open(app.config["DEMO_CREDENTIALS_FILE"], encoding="utf-8") as handle:
        saved = dict(line.rstrip("\n").split("\t") for line in handle if line.strip())
    codes = [value for key, value in saved.items() if key.startswith("tip-")]
    assert len(codes) == 6
    assert all(code in demo_city for code in codes)
    for code in codes:
        assert client.get(f"/tips/track/{code}").status_code == 200
    assert client.get("/tips/track/AAAA-BBBB-CCCC").status_code == 404
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "Tracking codes" not in again.output


def test_the_demo_city_has_a_case_under_review_with_its_own_deadline(app, client, session, demo_city):
    """信访工作条例 art. 35: the demo shows a 复查 asked within 30 days of the reply, with its own 30-day deadline."""
    from datetime import date

    from sqlalchemy import select

    from app.tips.models import Tip
    [reviewed] = session.scalars(select(Tip).where(Tip.state == "reviewing")).all()
    assert reviewed.review_due > date.today() and reviewed.review_due != reviewed.conclude_due
    client.set_cookie("lang", "en")
    with open(app.config["DEMO_CREDENTIALS_FILE"], encoding="utf-8") as handle:
        codes = [line.rstrip("\n").split("\t")[1] for line in handle if line.startswith("tip-")]
    pages = [client.get(f"/tips/track/{code}").get_data(as_text=True) for code in codes]
    assert sum("Under review" in page and "The higher authority gives its opinion by" in page
               for page in pages) == 1
