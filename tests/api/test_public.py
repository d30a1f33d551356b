def test_exam_catalogue(api):
    r = api.get("/exams")
    assert r.status == 200
    exams = {e["code"]: e for e in r.json["exams"]}
    assert len(exams) == 17
    first = exams["B2FIRST"]
    assert first["name"] == "B2 First"
    assert "FCE" in first["previous_name"]
    assert first["test_day_photo"] is True and first["verifiable"] is True
    assert set(first["release_after"]) == {"paper", "computer"}
    assert exams["A1MOV"]["test_day_photo"] is False

