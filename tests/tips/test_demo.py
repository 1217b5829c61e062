"""The demo tips: their tracking codes are kept beside the demo passwords and open the tips' tracking pages."""


def test_seed_demo_saves_the_demo_tips_tracking_codes(app, runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with open(app.config["DEMO_CREDENTIALS_FILE"], encoding="utf-8") as handle:
        saved = dict(line.rstrip("\n").split("\t") for line in handle if line.strip())
    codes = [value for key, value in saved.items() if key.startswith("tip-")]
    assert len(codes) == 6
    assert all(code in result.output for code in codes)
    for code in codes:
        assert client.get(f"/tips/track/{code}").status_code == 200
    assert client.get("/tips/track/AAAA-BBBB-CCCC").status_code == 404
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "Tracking codes" not in again.output
