"""The credential signer: the KMS request's shape (botocore Stubber: moto has no Ed25519), the
local key file (made once, kept, private), the stage rule, and the keys did.json lists."""
from __future__ import annotations

import dataclasses
import os
import threading

import pytest

KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_ID}"
DOC = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:0",
       "type": ["VerifiableCredential"], "issuer": "did:web:results.example",
       "validFrom": "2026-01-01T00:00:00Z",
       "credentialSubject": {"id": "urn:uuid:1"}}


@pytest.fixture
def local_key(tmp_path):
    from chalicelib.credentials.signer import FileSigner

    return FileSigner(tmp_path / "key.pem")


def test_kms_sign_is_a_raw_ed25519_sign_of_the_64_bytes_of_hash_data(local_key):
    import boto3
    from botocore.stub import Stubber

    from chalicelib.credentials import proof
    from chalicelib.credentials.signer import KmsSigner

    kms = boto3.client("kms", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
               "created": "2026-01-01T00:00:00Z", "proofPurpose": "assertionMethod",
               "verificationMethod": "did:web:results.example#kms-" + KEY_ID}
    message = proof._hash_data(DOC, options)
    assert len(message) == 64
    # KMS answers with the signature the key would make (here: a local key standing in for it)
    with Stubber(kms) as stub:
        stub.add_response("sign", {"KeyId": KEY_ARN, "Signature": local_key.sign(message),
                                   "SigningAlgorithm": "ED25519_SHA_512"},
                          {"KeyId": KEY_ARN, "Message": message, "MessageType": "RAW",
                           "SigningAlgorithm": "ED25519_SHA_512"})
        signer = KmsSigner(KEY_ARN, client=kms)
        signed = proof.add_proof(DOC, signer, options["verificationMethod"], options["created"])
        stub.assert_no_pending_responses()
    assert signer.key_name == f"kms-{KEY_ID}" and signer.public_key() is None
    assert proof.verify(signed, local_key.public_key())


def test_a_kms_error_is_not_swallowed():
    import boto3
    from botocore.exceptions import ClientError
    from botocore.stub import Stubber

    from chalicelib.credentials.signer import KmsSigner

    kms = boto3.client("kms", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(kms) as stub:
        stub.add_client_error("sign", "AccessDeniedException", http_status_code=400)
        with pytest.raises(ClientError):
            KmsSigner(KEY_ARN, client=kms).sign(b"\0" * 64)


def test_the_key_file_is_made_once_private_and_kept(tmp_path):
    from chalicelib.credentials.signer import FileSigner

    path = tmp_path / "sub" / "key.pem"
    made: list[FileSigner] = []
    threads = [threading.Thread(target=lambda: made.append(FileSigner(path))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 8 and len({s.public_key() for s in made}) == 1  # eight at once: one key
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert FileSigner(path).public_key() == made[0].public_key()
    assert [p.name for p in path.parent.iterdir()] == ["key.pem"]  # no temporary file left


def test_a_deployed_stage_never_signs_with_a_key_file(monkeypatch):
    from chalicelib import config
    from chalicelib.credentials import signer

    real = config.settings()
    monkeypatch.setattr(config, "settings", lambda: dataclasses.replace(real, stage="prod"))
    monkeypatch.setattr(config, "CREDENTIAL_KEY_ID", None)
    signer.signer.cache_clear()
    try:
        with pytest.raises(config.ConfigurationError):
            signer.signer()
        monkeypatch.setattr(config, "CREDENTIAL_KEY_ID", KEY_ARN)
        signer.signer.cache_clear()
        assert isinstance(signer.signer(), signer.KmsSigner)
    finally:
        signer.signer.cache_clear()


def test_did_json_lists_every_recorded_key_and_an_unrecorded_kms_key_signs_nothing(memory_store, monkeypatch):
    from chalicelib import config
    from chalicelib.credentials import issuing, signer
    from chalicelib.credentials.multibase import ed25519_multikey
    from chalicelib.db.store import store
    from chalicelib.services.credentials import did_document

    store().credentials.add_key("kms-old", ed25519_multikey(b"\1" * 32), "2025-01-01T00:00:00Z")
    doc = did_document()
    local = signer.signer()
    names = [m["id"].split("#", 1)[1] for m in doc["verificationMethod"]]
    assert sorted(names) == sorted(["kms-old", local.key_name])
    assert doc["assertionMethod"] == [m["id"] for m in doc["verificationMethod"]]
    assert all(m["type"] == "Multikey" and m["controller"] == doc["id"] for m in doc["verificationMethod"])
    # A KMS key whose public key is not recorded: refusing beats proofs nobody can check
    monkeypatch.setattr(config, "CREDENTIAL_KEY_ID", KEY_ARN)
    signer.signer.cache_clear()
    try:
        with pytest.raises(config.ConfigurationError):
            issuing.sign(dict(DOC), "2026-01-01T00:00:00Z")
    finally:
        signer.signer.cache_clear()


def test_canonicalisation_never_fetches_and_refuses_an_unknown_context(monkeypatch):
    from pyld import jsonld as pyld_jsonld

    from chalicelib.credentials import jsonld

    def no_network(url, options=None):  # pyld's default loader would go to the network
        raise AssertionError(f"fetched {url}")

    monkeypatch.setattr(pyld_jsonld, "_default_document_loader", no_network, raising=False)
    assert "<https://www.w3.org/2018/credentials#VerifiableCredential>" in jsonld.canonize(DOC)
    with pytest.raises(pyld_jsonld.JsonLdError):
        jsonld.canonize({**DOC, "@context": [*DOC["@context"], "https://example.org/other.jsonld"]})
