"""The stylesheet, scripts and images under /assets/: a name with the file's hash, cached for a
year, and compressed.

``url_for('static', filename='build/portal.css')`` gives ``/assets/build/portal.<hash>.css``,
the first 12 hex digits of the file's SHA-256: a new build of a file is a new address, so a
browser may keep the old one for a year (``Cache-Control: public, max-age=31536000,
immutable``) and still never use a stale file. An address without the hash, or with an old
one (a page cached before a deploy), still answers with the file as it is now, cached for an
hour only. Text files (CSS, JavaScript, SVG, JSON) are sent gzipped to a browser that asks for
it, compressed once per file and build and kept in memory.
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, request
from werkzeug.security import safe_join

from portal.access import public

YEAR = 365 * 24 * 3600
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
COMPRESSIBLE = ("text/css", "text/javascript", "application/javascript", "image/svg+xml",
                "application/json", "text/plain")


@dataclass(frozen=True)
class Asset:
    path: Path
    stamp: tuple[float, int]  # mtime and size: a rebuilt file is read again
    digest: str
    body: bytes
    gzipped: bytes | None
    mimetype: str


class Assets:
    def __init__(self, folder: str):
        self.folder = folder
        self._cache: dict[str, Asset] = {}

    def get(self, filename: str) -> Asset | None:
        full = safe_join(self.folder, filename)
        if full is None:
            return None
        try:
            stat = os.stat(full)
        except OSError:
            return None
        if not os.path.isfile(full):
            return None
        stamp = (stat.st_mtime, stat.st_size)
        asset = self._cache.get(filename)
        if asset is None or asset.stamp != stamp:
            body = Path(full).read_bytes()
            mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            gzipped = gzip.compress(body, 9, mtime=0) if mimetype in COMPRESSIBLE else None
            if gzipped is not None and len(gzipped) >= len(body):
                gzipped = None
            asset = Asset(Path(full), stamp, hashlib.sha256(body).hexdigest()[:12], body,
                          gzipped, mimetype)
            self._cache[filename] = asset
        return asset

    def hashed_name(self, filename: str) -> str:
        asset = self.get(filename)
        if asset is None:
            return filename
        stem, dot, suffix = filename.rpartition(".")
        if not dot or "/" in suffix:
            return f"{filename}.{asset.digest}"
        return f"{stem}.{asset.digest}.{suffix}"


def _wants_gzip() -> bool:
    return any(part.split(";")[0].strip() == "gzip"
               for part in request.headers.get("Accept-Encoding", "").split(","))


def init_static_assets(app: Flask) -> None:
    assets = Assets(app.static_folder)
    app.extensions["portal.assets"] = assets

    @app.url_defaults
    def _hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = assets.hashed_name(values["filename"])

    @public
    def static(filename: str):
        immutable = False
        asset = assets.get(filename)
        if asset is None:
            match = HASHED.match(filename)
            if match is None:
                abort(404)
            asset = assets.get(match["stem"] + match["suffix"])
            if asset is None:
                abort(404)
            immutable = match["hash"] == asset.digest
        etag = asset.digest
        if request.if_none_match.contains(etag):
            response = Response(status=304)
        elif asset.gzipped is not None and _wants_gzip():
            response = Response(asset.gzipped, mimetype=asset.mimetype)
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = Response(asset.body, mimetype=asset.mimetype)
        response.set_etag(etag)
        if asset.gzipped is not None:
            response.vary.add("Accept-Encoding")
        response.headers["Cache-Control"] = (f"public, max-age={YEAR}, immutable" if immutable
                                             else "public, max-age=3600")
        return response

    app.view_functions["static"] = static
