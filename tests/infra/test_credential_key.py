"""The credential signing key: Ed25519 in KMS, kept, and the functions may only Sign with it."""
from __future__ import annotations

from .test_stack import as_list, identity_statements, of_type


def test_the_signing_key_is_ed25519_for_signing_and_kept(resources_json):
    [(_, key)] = of_type(resources_json, "AWS::KMS::Key").items()
    assert key["Properties"]["KeySpec"] == "ECC_NIST_EDWARDS25519"
    assert key["Properties"]["KeyUsage"] == "SIGN_VERIFY"
    assert key["DeletionPolicy"] == "Retain"


def test_the_functions_may_only_sign_with_it_and_know_its_id(resources_json):
    [(key_id, _)] = of_type(resources_json, "AWS::KMS::Key").items()
    kms = [st for st in identity_statements(resources_json)
           if any(a.startswith("kms:") for a in as_list(st["Action"]))]
    assert len(kms) == 1
    [st] = kms
    assert as_list(st["Action"]) == ["kms:Sign"]
    assert as_list(st["Resource"]) == [{"Fn::GetAtt": [key_id, "Arn"]}]
    assert st["Condition"] == {"StringEquals": {"kms:SigningAlgorithm": "ED25519_SHA_512",
                                                "kms:MessageType": "RAW"}}
    for fn in of_type(resources_json, "AWS::Serverless::Function").values():
        assert fn["Properties"]["Environment"]["Variables"]["CREDENTIAL_KEY_ID"] == {"Ref": key_id}
