# ruff: noqa: F811 - pytest fixtures imported from verifier_kit are redefined as arguments
"""A result's `photo_key` only ever names a test day photo: the share detail signs no other
object of the documents bucket, even for a result stored before the ingest checked the key."""
from __future__ import annotations

from .verifier_kit import candidate, make_org, make_result, share, staff  # noqa: F401 - fixtures


def test_the_share_detail_signs_a_photo_under_the_photos_prefix(api, make_org, candidate):
    org = make_org()
    rid = make_result(photo_key="photos/SIR094701.jpg")
    share_id = share(api, candidate, rid, org.org_id).json["share_id"]
    url = api.get(f"/organisation/shares/{share_id}", token=org.token).json["photo_url"]
    assert url.startswith("https://") and "photos/SIR094701.jpg" in url


def test_the_share_detail_signs_no_key_outside_the_photos_prefix(api, make_org, candidate):
    # Given a result whose photo_key names another candidate's statement (stored before the check)
    org = make_org()
    rid = make_result(photo_key="statements/SIR094702/B2FIRST-20250614-v1.pdf")
    share_id = share(api, candidate, rid, org.org_id).json["share_id"]
    # When the organisation opens the share
    r = api.get(f"/organisation/shares/{share_id}", token=org.token)
    # Then the result is shown without a photo, and nothing of that key is signed
    assert r.status == 200 and r.json["photo_url"] is None
    assert "statements" not in r.body.decode()


def test_a_dot_segment_does_not_leave_the_photos_prefix(api, make_org, candidate):
    org = make_org()
    rid = make_result(photo_key="photos/../statements/SIR094702/B2FIRST-20250614-v1.pdf")
    share_id = share(api, candidate, rid, org.org_id).json["share_id"]
    assert api.get(f"/organisation/shares/{share_id}", token=org.token).json["photo_url"] is None
