"""A real, small OpenID Connect provider on 127.0.0.1, for the single sign-on tests.

It serves over HTTP on a random loopback port, in a daemon thread:

- `/.well-known/openid-configuration`: the discovery document;
- `/jwks`: its public RSA key (generated when it starts);
- `/authorize`: signs in whoever the test chose with `will_sign_in(...)` and redirects back to
  the `redirect_uri` with a one-time `code` and the `state` it was given (or `error=access_denied`
  when no one was chosen);
- `/token`: checks the client's id and secret, the code, the redirect URI and the PKCE
  `code_verifier`, and answers with an ID token signed by its key.

`fault` makes the next ID tokens wrong in one way, as a broken or hostile provider would:
"bad_issuer", "bad_audience", "bad_nonce", "expired", "bad_signature" (signed by another key under
the same key id) or "unknown_key" (signed by a key it does not publish).
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

FAULTS = ("bad_issuer", "bad_audience", "bad_nonce", "expired", "bad_signature", "unknown_key")


class _QuietHandler(WSGIRequestHandler):
    def log(self, *args, **kwargs) -> None:  # the tests' logs stay about the portal
        pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class FakeProvider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, {"kid": "key-1", "use": "sig", "alg": "RS256"},
                                       private=True)
        # Same key id, different key: a forged signature. And a key nobody published.
        self.forger = RSAKey.generate_key(2048, {"kid": "key-1"}, private=True)
        self.stranger = RSAKey.generate_key(2048, {"kid": "key-unpublished"}, private=True)
        self.clients: dict[str, str] = {}
        self.login: dict | None = None
        self.fault: str | None = None
        self.codes: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []
        self.token_requests = 0
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True,
                                   request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="fake-oidc-provider")

    # -- control from the tests --------------------------------------------------------------

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> "FakeProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def add_client(self, client_id: str, secret: str) -> None:
        self.clients[client_id] = secret

    def will_sign_in(self, sub: str, email: str | None = None, *, email_verified=True,
                     **claims) -> None:
        """The next /authorize signs in this person (the provider's own login and second
        factor are taken as done)."""
        login = {"sub": sub, **claims}
        if email is not None:
            login["email"] = email
            login["email_verified"] = email_verified
        self.login = login

    def reset(self) -> None:
        self.login = None
        self.fault = None

    # -- the provider ------------------------------------------------------------------------

    def _app(self, environ, start_response):
        request = Request(environ)
        routes = {
            ("GET", "/.well-known/openid-configuration"): self._discovery,
            ("GET", "/jwks"): self._jwks,
            ("GET", "/authorize"): self._authorize,
            ("POST", "/token"): self._token,
        }
        handler = routes.get((request.method, request.path))
        response = handler(request) if handler else Response("not found", 404)
        return response(environ, start_response)

    @staticmethod
    def _json(data: dict, status: int = 200) -> Response:
        return Response(json.dumps(data), status, mimetype="application/json",
                        headers={"Cache-Control": "no-store"})

    def _discovery(self, _request: Request) -> Response:
        return self._json({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
        })

    def _jwks(self, _request: Request) -> Response:
        return self._json({"keys": [self.key.as_dict(private=False)]})

    def _authorize(self, request: Request) -> Response:
        args = request.args
        self.authorize_requests.append(dict(args))
        redirect_uri = args.get("redirect_uri", "")
        if args.get("client_id") not in self.clients or not urlsplit(redirect_uri).scheme:
            return Response("unknown client or no redirect_uri", 400)
        if args.get("response_type") != "code" or "openid" not in args.get("scope", "").split() \
                or args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return self._back(redirect_uri, error="invalid_request", state=args.get("state"))
        if self.login is None:
            return self._back(redirect_uri, error="access_denied", state=args.get("state"))
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"client_id": args["client_id"], "redirect_uri": redirect_uri,
                            "nonce": args.get("nonce"), "challenge": args["code_challenge"],
                            "login": dict(self.login)}
        return self._back(redirect_uri, code=code, state=args.get("state"))

    @staticmethod
    def _back(redirect_uri: str, **params) -> Response:
        query = urlencode({k: v for k, v in params.items() if v is not None})
        joiner = "&" if "?" in redirect_uri else "?"
        return Response("", 302, headers={"Location": f"{redirect_uri}{joiner}{query}"})

    def _client(self, request: Request) -> str | None:
        auth = request.authorization
        if auth is not None and auth.type == "basic":
            client_id, secret = auth.username, auth.password
        else:
            client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
        expected = self.clients.get(client_id or "")
        if expected is None or not secret or not secrets.compare_digest(expected, secret):
            return None
        return client_id

    def _token(self, request: Request) -> Response:
        self.token_requests += 1
        client_id = self._client(request)
        if client_id is None:
            return self._json({"error": "invalid_client"}, 401)
        form = request.form
        grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if form.get("grant_type") != "authorization_code" or grant is None \
                or grant["client_id"] != client_id \
                or grant["redirect_uri"] != form.get("redirect_uri"):
            return self._json({"error": "invalid_grant"}, 400)
        verifier = form.get("code_verifier", "")
        if _b64(hashlib.sha256(verifier.encode("ascii")).digest()) != grant["challenge"]:
            return self._json({"error": "invalid_grant",
                               "error_description": "PKCE verification failed"}, 400)
        access_token = secrets.token_urlsafe(32)
        return self._json({"access_token": access_token, "token_type": "Bearer",
                           "expires_in": 300,
                           "id_token": self._id_token(client_id, grant, access_token)})

    def _id_token(self, client_id: str, grant: dict, access_token: str) -> str:
        moment = int(time.time())
        claims = {"iss": self.issuer, "aud": client_id, "iat": moment, "exp": moment + 300,
                  "auth_time": moment, "nonce": grant["nonce"],
                  "at_hash": _b64(hashlib.sha256(access_token.encode()).digest()[:16]),
                  **grant["login"]}
        key = self.key
        if self.fault == "bad_issuer":
            claims["iss"] = "http://127.0.0.1:1/another-provider"
        elif self.fault == "bad_audience":
            claims["aud"] = "some-other-service"
        elif self.fault == "bad_nonce":
            claims["nonce"] = secrets.token_urlsafe(32)
        elif self.fault == "expired":
            claims["iat"], claims["exp"] = moment - 3600, moment - 1800
        elif self.fault == "bad_signature":
            key = self.forger
        elif self.fault == "unknown_key":
            key = self.stranger
        header = {"alg": "RS256", "kid": key.kid, "typ": "JWT"}
        return jwt.encode(header, claims, key)
