def test_health(api):
    r = api.get("/health")
    assert r.status == 200 and r.json == {"status": "ok"}
