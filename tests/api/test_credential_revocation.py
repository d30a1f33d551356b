# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Withdrawal and correction revoke credentials through the real paths (staff withdraw, a results
file's correction): the status list's bit is set at that moment, not at the next download."""
from __future__ import annotations

from .test_credentials import _credential, _status
from .test_withdrawal import with_entry
from .verifier_kit import candidate, candidate_login, make_candidate, staff  # noqa: F401 - fixtures


def test_a_staff_withdrawal_revokes_the_credential_already_issued(api, candidate, staff):
    rid = with_entry()
    cred = _credential(api, candidate, rid)
    index = int(cred["credentialStatus"]["statusListIndex"])
    assert index not in _status(api, cred)[1]
    r = api.post(f"/staff/results/SIR094701.{rid}/withdraw", {"reason": "Malpractice"}, token=staff)
    assert r.status == 200, r.json
    assert index in _status(api, cred)[1]
    # and no new credential is served for it
    assert api.get(f"/candidates/me/results/{rid}/credential", token=candidate).status == 404


def test_a_correction_by_file_revokes_the_old_credential_when_it_lands(api, entries, drop):
    from .conftest import csv_bytes, entry_row
    from .test_results import result_row

    entries(entry_row())
    make_candidate()
    drop("incoming/results/r1.csv", csv_bytes([result_row()]))
    token = candidate_login(api, "SIR094701")
    rid = "B2FIRST-20260614"
    old = _credential(api, token, rid)
    drop("incoming/results/r2.csv", csv_bytes([result_row(overall_score="175")]))
    # set by the importer's hook, before anyone downloads the new version
    assert int(old["credentialStatus"]["statusListIndex"]) in _status(api, old)[1]
