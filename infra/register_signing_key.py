#!/usr/bin/env python3
"""Record the stage's credential signing key in the table, so that did.json lists it.

The functions may only `kms:Sign` with the key (infra/stacks/service.py), so they cannot read
its public key; this step of `make deploy` (after `cdk deploy`) reads it with the deployer's
credentials (`kms:GetPublicKey`) and writes the item chalicelib's store reads
(db/models/credentials.py `SigningKey`: pk VCKEYS, sk kms-<key id>). A key already recorded
is left as it is, and a new key (rotation) is added beside the old ones: every key ever used
stays listed.

    infra/.venv/bin/python infra/register_signing_key.py exam-results-prod
"""
from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def outputs(stack_name: str) -> dict[str, str]:
    import boto3

    [stack] = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def raw_public_key(der: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = serialization.load_der_public_key(der)
    if not isinstance(key, Ed25519PublicKey):
        raise SystemExit("the credential key is not an Ed25519 key")
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def register(kms, dynamodb, key_id: str, table: str) -> bool:
    """Write the key's record unless it is there; True when written."""
    from chalicelib.credentials.multibase import ed25519_multikey
    from chalicelib.credentials.signer import kms_key_name

    reply = kms.get_public_key(KeyId=key_id)
    if reply.get("KeySpec") != "ECC_NIST_EDWARDS25519":
        raise SystemExit(f"key {key_id} is {reply.get('KeySpec')}, not ECC_NIST_EDWARDS25519")
    item = {"pk": {"S": "VCKEYS"}, "sk": {"S": kms_key_name(key_id)},
            "public_key_multibase": {"S": ed25519_multikey(raw_public_key(reply["PublicKey"]))},
            "added_at": {"S": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}}
    try:
        dynamodb.put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False
    return True


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    import boto3

    out = outputs(argv[0])
    written = register(boto3.client("kms"), boto3.client("dynamodb"), out["CredentialKeyId"],
                       out["NameMainTable"])
    print(f"credential signing key {out['CredentialKeyId']}: {'recorded' if written else 'already recorded'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
