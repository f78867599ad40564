"""The portal as the benchmarks serve it: the real app, plus one bare route to compare with."""
from flask import Response

from portal import create_app
from portal.access import public

app = create_app()


@app.get("/_bench/bare")
@public
def bare():
    return Response("ok", mimetype="text/plain")
