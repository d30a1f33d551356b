"""Downloads of selected shares: a ZIP of statements (pdf) or a CSV (default or own template).

Made inline (at most MAX_SHARES shares per download) and put in the documents bucket under
downloads/<org_id>/; the bucket's lifecycle rule (declared in infra/) expires them after 30
days, and the history says `expired` from then on. `url` is a short-lived presigned URL.
Every result in a download is written to the audit trail, again on each re-download. A download
is served again only while all its shares stand: once a candidate revokes one, the old file is
refused (409) and the organisation makes a new download."""
from __future__ import annotations

import io
import zipfile

from .. import config
from ..adapters import clock, storage
from ..adapters.ids import sortable_id
from ..db import models as m
from ..db.store import store
from ..domain.errors import Conflict, NotFound, ValidationError
from . import audit, shares, templates
from .actor import Actor

MAX_SHARES = 200
KEEP_SECONDS = 30 * 86400
URL_SECONDS = 300
PREFIX = "downloads/"


def _url(d: m.Download) -> str | None:
    if d.expires_at <= clock.now():
        return None
    ext = "zip" if d.format == "pdf" else "csv"
    return storage.download_url(config.DOCUMENTS_BUCKET, d.s3_key, filename=f"results-{d.download_id}.{ext}",
                                seconds=URL_SECONDS)


def view(d: m.Download, with_url: bool = True) -> dict:
    expired = d.expires_at <= clock.now()
    return {"download_id": d.download_id, "status": "expired" if expired else "ready", "format": d.format,
            "template_id": d.template_id, "share_count": len(d.share_ids), "created_at": d.created_at,
            "expires_at": clock.iso(d.expires_at), "url": _url(d) if with_url else None}


def create(actor: Actor, share_ids: list, fmt: str, template_id: str | None) -> dict:
    if not share_ids or not all(isinstance(s, str) and 0 < len(s) <= 64 for s in share_ids):
        raise ValidationError({"share_ids": "must be a list of share ids"})
    unique = list(dict.fromkeys(share_ids))
    if len(unique) > MAX_SHARES:
        raise ValidationError({"share_ids": f"at most {MAX_SHARES} shares in one download"})
    if fmt == "pdf" and template_id not in (None, templates.DEFAULT):
        raise ValidationError({"template_id": "applies to csv downloads only"})
    fields = templates.fields_of(actor.org_id, template_id) if fmt == "csv" else []

    db = store()
    found = db.shares.many(unique)
    missing = [sid for sid in unique if sid not in found or found[sid].org_id != actor.org_id]
    if missing:
        raise NotFound(f"{len(missing)} of the selected shares are not shared with your organisation "
                       "(any more).")
    results = db.shares.results_by_keys((found[sid].result_pk, found[sid].result_sk) for sid in unique)
    picked = []
    for sid in unique:
        s = found[sid]
        r = results.get((s.result_pk, s.result_sk))
        if r is None or r.status != "released":
            raise NotFound("A selected result is no longer available.")
        picked.append((s, r))

    download_id = sortable_id()
    if fmt == "pdf":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for _s, r in picked:
                name = f"{r.family_name}_{r.first_name}_{r.exam_code}_{r.reference_number}.pdf"
                z.writestr(_safe(name), shares.statement_pdf(r))
        body, ctype, ext = buf.getvalue(), "application/zip", "zip"
    else:
        rows = [shares.detail_view(r, s) | {"photo_url": None} for s, r in picked]
        body, ctype, ext = templates.render_csv(fields, rows), "text/csv; charset=utf-8", "csv"
    key = f"{PREFIX}{actor.org_id}/{download_id}.{ext}"
    storage.put(config.DOCUMENTS_BUCKET, key, body, ctype)
    now = clock.now()
    d = db.downloads.add(actor.org_id, download_id, format=fmt,
                         template_id=template_id if fmt == "csv" else None, share_ids=unique,
                         results=[[s.share_id, r.pk, r.sk] for s, r in picked], s3_key=key,
                         created_by=actor.user_id, created_at=clock.iso(now),
                         expires_at=int(now + KEEP_SECONDS), ttl=int(now + 365 * 86400))
    for s, _ in picked:
        shares.mark_seen(s)
    audit.record(actor.org_id, actor.audit_actor, f"download_{fmt}",
                 [(r.pk, r.sk, s.share_id) for s, r in picked])
    return view(d)


WITHDRAWN = ("{n} of the candidates in this download have withdrawn their share since it was made, "
             "so the file can no longer be served. Make a new download of the shares you still have.")


def _still_shared(actor: Actor, d: m.Download) -> None:
    """A file is served again only while every share in it still stands (one BatchGet of the
    share items): a revoked share ends the organisation's access to that candidate's data,
    in old files too. Otherwise 409 conflict, saying why."""
    ids: list[str] = list(dict.fromkeys(str(sid) for sid in d.share_ids))
    found = store().shares.many(ids)
    gone = [sid for sid in ids if sid not in found or found[sid].org_id != actor.org_id]
    if gone:
        raise Conflict(WITHDRAWN.format(n=len(gone)))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)


def history(actor: Actor, limit: int, cursor: str | None) -> dict:
    page = store().downloads.page_of_org(actor.org_id, limit, cursor)
    return {"downloads": [view(d, with_url=False) for d in page.items], "next_cursor": page.next_cursor}


def get(actor: Actor, download_id: str) -> dict:
    d = store().downloads.get(actor.org_id, download_id)
    if d is None:
        raise NotFound("There is no download with that id.")
    out = view(d)
    if out["url"]:
        _still_shared(actor, d)
        audit.record(actor.org_id, actor.audit_actor, f"download_again_{d.format}",
                     [(pk, sk, sid) for sid, pk, sk in d.results])
    return out
