# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""Our credentials through an independent verifier: Digital Bazaar's @digitalbazaar/vc with the
eddsa-rdfc-2022 cryptosuite and the bitstring status list (tests/vc_verifier, pinned by its
package-lock.json; `make vc-verifier` installs it), over an offline document loader that knows
only the pinned context packages, our did.json and our status list. And the OB 3.0 JSON schema."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .test_credentials import with_entry
from .verifier_kit import candidate, candidate_login, make_candidate  # noqa: F401 - fixtures

HERE = Path(__file__).resolve().parents[1] / "vc_verifier"
BASE = "https://results.example"


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    assert found, "node is needed for the independent verifier"
    assert (HERE / "node_modules" / "@digitalbazaar" / "vc").is_dir(), \
        "tests/vc_verifier is not installed: run `make vc-verifier` (npm ci)"
    return found


def verify(node: str, tmp_path: Path, api, credential: dict) -> dict:
    """The verifier's verdict on `credential`, given our did.json and its status list as served now."""
    files = {"credential.json": credential, "did.json": api.get("/.well-known/did.json").json}
    url = credential["credentialStatus"]["statusListCredential"]
    files["status.json"] = api.get(url.removeprefix(BASE)).json
    for name, doc in files.items():
        (tmp_path / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([node, str(HERE / "verify.mjs"), *(str(tmp_path / n) for n in files)],
                          capture_output=True, text=True, timeout=120, cwd=HERE, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def schema_errors(doc: dict) -> list[str]:
    from jsonschema import Draft201909Validator

    schema = json.loads((HERE / "ob_v3p0_achievementcredential_schema.json").read_text())
    return [f"{list(e.absolute_path)}: {e.message}" for e in Draft201909Validator(schema).iter_errors(doc)]


def _credential(api, token: str, rid: str) -> dict:
    r = api.get(f"/candidates/me/results/{rid}/credential", token=token)
    assert r.status == 200, r.body
    return r.json


def test_a_genuine_credential_verifies_and_is_not_revoked(api, candidate, node, tmp_path):
    cred = _credential(api, candidate, with_entry())
    assert schema_errors(cred) == []
    verdict = verify(node, tmp_path, api, cred)
    assert verdict == {"verified": True, "error": None,
                       "status": {"verified": True, "revoked": False, "error": None}}


def test_a_changed_score_fails_verification(api, candidate, node, tmp_path):
    cred = _credential(api, candidate, with_entry())
    for result in cred["credentialSubject"]["result"]:
        if result["value"] == "175":
            result["value"] = "190"
    verdict = verify(node, tmp_path, api, cred)
    assert verdict["verified"] is False
    assert "signature" in (verdict["error"] or "").lower()


def test_a_withdrawn_result_is_reported_revoked(api, candidate, node, tmp_path):
    from chalicelib.credentials import status_list
    from chalicelib.db import models as m

    cred = _credential(api, candidate, with_entry())
    status_list.revoke_result(m.Result.get(*m.Result.keys("SIR094701", "2025-06-14", "B2FIRST")))
    verdict = verify(node, tmp_path, api, cred)
    # @digitalbazaar/vc still says verified: the status result is what tells
    assert verdict["verified"] is True
    assert verdict["status"] == {"verified": True, "revoked": True, "error": None}


def test_after_a_correction_the_old_credential_is_revoked_and_the_new_one_is_not(api, candidate, node,
                                                                                 tmp_path):
    from chalicelib.adapters import clock
    from chalicelib.db import models as m

    rid = with_entry()
    old = _credential(api, candidate, rid)
    clock.advance(60)
    m.Result.get(*m.Result.keys("SIR094701", "2025-06-14", "B2FIRST")).update(
        actions=[m.Result.version.set(2), m.Result.overall_score.set(181)])
    new = _credential(api, candidate, rid)
    assert schema_errors(new) == []
    assert verify(node, tmp_path, api, old)["status"]["revoked"] is True
    fresh = verify(node, tmp_path, api, new)
    assert fresh["verified"] is True and fresh["status"]["revoked"] is False


def test_the_loader_refuses_a_context_it_does_not_know(api, candidate, node, tmp_path):
    cred = _credential(api, candidate, with_entry())
    cred["@context"] = [*cred["@context"], "https://example.org/unknown-context.json"]
    verdict = verify(node, tmp_path, api, cred)
    assert verdict["verified"] is False and "unknown-context.json" in verdict["error"]
