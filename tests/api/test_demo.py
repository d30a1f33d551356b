"""`DEMO=1 make run`'s data (devstack/demo.py) goes through the real pipeline, and the candidate
the stack's banner names can register and see the result."""
from __future__ import annotations


def test_the_demo_candidate_registers_and_sees_the_demo_result(api, app_module):
    from chalicelib.adapters.aws import client
    from devstack import demo
    from devstack.pump import drain

    demo.put_entries(client("s3"))
    drain(app_module)
    demo.put_results(client("s3"))
    drain(app_module)
    reg = api.post("/candidates/register", {
        "id_number": demo.DEMO_ID_NUMBER, "secret_number": demo.DEMO_SECRET_NUMBER,
        "email": "demo@example.org", "password": "violet-harbour-lantern", "country": "PL",
        "first_language": "pl", "accept_terms": True, "marketing_opt_in": False})
    assert reg.status == 201, reg.json
    token = api.post("/candidates/login", {"id_number": demo.DEMO_ID_NUMBER,
                                           "password": "violet-harbour-lantern"}).json["token"]
    results = api.get("/candidates/me/results", token=token).json
    assert [r["overall_score"] for r in results["results"]] == [176]
