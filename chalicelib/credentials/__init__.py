"""Signed credentials: a result as a W3C Verifiable Credential 2.0 / Open Badges 3.0
`OpenBadgeCredential`, its proof, the issuer's DID document and the revocation status list.

- `jsonld.py`: RDFC-1.0 canonicalisation (pyld) over contexts bundled here (`contexts/`) or in
  pyld; the document loader never goes to the network and refuses any other URL.
- `signer.py`: the signing key behind one interface: KMS on AWS (Ed25519, `Sign` only), a key
  file under `.local/` elsewhere.
- `proof.py`: the `DataIntegrityProof` of cryptosuite `eddsa-rdfc-2022` (create and verify).
- `did.py`: the issuer `did:web:<host of PUBLIC_BASE_URL>` and its DID document.
- `badge.py`: the credential's content; `status_list.py`: indexes, revocation and the signed
  `BitstringStatusListCredential`. The service is `services/credentials.py`.

Heavy imports (pyld, cryptography, boto3) happen inside functions: nothing here is imported on
a cold start that does not sign.
"""
