"""`/assets/<hashed name>`: the built CSS, JS and images, served by the app itself (`make run`,
tests). On AWS, CloudFront serves the same files from S3 (ASSETS_BASE_URL)."""
from __future__ import annotations

from chalice import Response

from .routes import bp

TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".svg": "image/svg+xml", ".json": "application/json"}


@bp.route("/assets/{name}", methods=["GET"])
def asset(name: str) -> Response:
    from .render import STATIC, manifest

    if name not in set(manifest().values()):  # only built files: no path tricks, no manifest
        return Response(body={"error": "not_found", "message": "There is no such asset."}, status_code=404,
                        headers={"Content-Type": "application/json"})
    suffix = name[name.rfind("."):]
    return Response(body=(STATIC / name).read_text(encoding="utf-8"), status_code=200, headers={
        "Content-Type": TYPES.get(suffix, "application/octet-stream"),
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
    })
