"""Single sign-on with a council's own OpenID Connect identity provider (`[sso]` in its
tenant.toml).

`/<council>/staff/sign-in/sso` sends the officer to the provider (authorization code flow with
PKCE S256, a fresh `state` and `nonce` kept in the signed session cookie); the provider sends
them back to `/<council>/staff/sign-in/sso/callback`, where the code is exchanged server-side
and the ID token is checked: signature against the provider's JWKS, `iss`, `aud`, `exp`, `iat`
and `nonce`.

Officers are found by (issuer, subject), scoped to the council in the address, never by email.
An unknown pair is linked once, to an active officer of this council with the same email, and
only when the provider says the email is verified and that officer has no identity at this
provider yet. Anything else is refused with one page, and a short reason code is logged (never
a token, a code or an email address). The provider does the second factor, so a successful
sign-in starts a session that is already verified.
"""
from __future__ import annotations

import hmac
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from authlib.oidc.core import CodeIDToken
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from joserfc import jwt
from joserfc.errors import ClaimError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.access import public
from portal.auth import _can_sign_in, _sign_in_limit, auth_bp
from portal.auth.sessions import end_current_session, now, start_session
from portal.extensions import db, limiter
from portal.models import StaffIdentity, StaffUser
from portal.tenancy import current_tenant, current_tenant_id
from portal.tenant_config.schema import Sso

FLOW_KEY = "sso_flow"
FLOW_TIMEOUT = 10 * 60  # seconds between leaving for the provider and coming back
HTTP_TIMEOUT = 5  # seconds for each request to the provider
DISCOVERY_TTL = 10 * 60  # seconds a provider's discovery document and keys are kept
LEEWAY = 60  # seconds of clock difference allowed on exp and iat
MAX_TOKEN_AGE = 10 * 60  # an ID token issued longer ago than this is refused
# Asymmetric signatures only: never "none", never a shared-secret HMAC.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                      "ES512", "EdDSA")
_REASON = re.compile(r"[^a-z0-9_]+")


class Refused(Exception):
    """Sign-in cannot go on. `reason` is a short code for the log; `status` the page's."""

    def __init__(self, reason: str, status: int = 403):
        super().__init__(reason)
        self.reason = _REASON.sub("_", reason.lower())[:60]
        self.status = status


# --- the provider: discovery document and keys, cached per issuer -------------------------

@dataclass
class _Provider:
    metadata: dict
    fetched: float
    jwks: dict | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def _cache() -> dict[str, _Provider]:
    return current_app.extensions.setdefault("portal.oidc_providers", {})


def _get_json(url: str) -> dict:
    response = requests.get(url, timeout=HTTP_TIMEOUT, allow_redirects=False,
                            headers={"Accept": "application/json"})
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def _provider(sso: Sso) -> _Provider:
    cached = _cache().get(sso.issuer)
    if cached is not None and time.monotonic() - cached.fetched < DISCOVERY_TTL:
        return cached
    try:
        metadata = _get_json(sso.issuer.rstrip("/") + "/.well-known/openid-configuration")
        checked = AuthorizationServerMetadata(metadata)
        for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            getattr(checked, f"validate_{name}")()
    except (requests.RequestException, ValueError, KeyError, AttributeError) as error:
        raise Refused("discovery_failed", 503) from error
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(metadata.get(name), str):
            raise Refused("discovery_incomplete", 503)
    if metadata.get("issuer") != sso.issuer:
        # OpenID Connect Discovery 1.0, 4.3: the document must name the issuer we asked.
        raise Refused("discovery_issuer_mismatch", 503)
    provider = _Provider(metadata=metadata, fetched=time.monotonic())
    _cache()[sso.issuer] = provider
    return provider


def _key_set(provider: _Provider, *, refresh: bool = False) -> KeySet:
    with provider.lock:
        if provider.jwks is None or refresh:
            try:
                provider.jwks = _get_json(provider.metadata["jwks_uri"])
            except (requests.RequestException, ValueError) as error:
                raise Refused("jwks_failed", 503) from error
        jwks = provider.jwks
    try:
        return KeySet.import_key_set(jwks)
    except (JoseError, ValueError, KeyError, TypeError) as error:
        raise Refused("jwks_invalid", 503) from error


def _algorithms(provider: _Provider) -> list[str]:
    offered = provider.metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    allowed = [alg for alg in SIGNING_ALGORITHMS if alg in offered]
    if not allowed:
        raise Refused("no_acceptable_signing_algorithm", 503)
    return allowed


# --- configuration -------------------------------------------------------------------------

def _client_secret(sso: Sso, *, log: bool = False) -> str | None:
    """The client secret, read when it is needed from the variable the council file names."""
    secret = os.environ.get(sso.client_secret_env) or None
    if secret is None and log:
        current_app.logger.warning(
            "Single sign-on for council %s is unavailable: the environment variable %s "
            "(client_secret_env in its tenant.toml) is not set.",
            current_tenant.slug, sso.client_secret_env)
    return secret


def _sso_or_404() -> Sso:
    sso = current_tenant.sso
    if sso is None:
        abort(404)
    return sso


@auth_bp.context_processor
def _sso_option() -> dict:
    """The sign-in page offers the council's account when single sign-on can work."""
    from flask import g

    tenant = g.get("tenant")
    sso = tenant.sso if tenant is not None else None
    if sso is None or _client_secret(sso) is None:
        return {"sso_sign_in": None}
    return {"sso_sign_in": {"account": sso.display_name, "href": url_for("auth.sso_start")}}


# --- the two routes ------------------------------------------------------------------------

def _refused(error: Refused):
    current_app.logger.warning("Single sign-on refused at council %s: %s",
                               current_tenant.slug, error.reason)
    return render_template("auth/sso_refused.html"), error.status


def _redirect_uri() -> str:
    return url_for("auth.sso_callback", _external=True)


@auth_bp.get("/sign-in/sso")
@limiter.limit(_sign_in_limit)
@public
def sso_start():
    sso = _sso_or_404()
    if current_user.is_authenticated and current_user.tenant_id == current_tenant_id():
        return redirect(url_for("backoffice.home"), code=303)
    try:
        if _client_secret(sso, log=True) is None:
            raise Refused("client_secret_not_set", 503)
        provider = _provider(sso)
    except Refused as error:
        return _refused(error)
    state, nonce, verifier = (secrets.token_urlsafe(32), secrets.token_urlsafe(32),
                              secrets.token_urlsafe(48))
    client = OAuth2Session(client_id=sso.client_id, scope=sso.scopes,
                           redirect_uri=_redirect_uri(), code_challenge_method="S256")
    url, _ = client.create_authorization_url(provider.metadata["authorization_endpoint"],
                                             state=state, code_verifier=verifier, nonce=nonce)
    # One sign-in at a time: a new start replaces an unfinished one. The cookie is signed, so
    # none of this can be changed by the browser; the verifier never goes to the browser's URL.
    session[FLOW_KEY] = {"tenant": current_tenant.slug, "issuer": sso.issuer,
                         "client_id": sso.client_id, "state": state, "nonce": nonce,
                         "verifier": verifier, "started": int(now().timestamp())}
    return redirect(url, code=303)


@auth_bp.get("/sign-in/sso/callback")
@limiter.limit(_sign_in_limit)
@public
def sso_callback():
    sso = _sso_or_404()
    flow = session.pop(FLOW_KEY, None)  # used once, whatever happens next
    try:
        claims = _verified_claims(sso, flow)
        user, identity = _officer_for(claims)
    except Refused as error:
        db.session.rollback()
        return _refused(error)
    moment = now()
    identity.last_used_at = moment
    user.last_sign_in_at = moment
    user.failed_attempts = 0
    end_current_session()  # commits; whatever session this browser had gives way
    start_session(user, verified=True)  # the provider did the second factor
    db.session.commit()
    current_app.logger.info("Officer %s signed in with single sign-on at council %s.",
                            user.id, current_tenant.slug)
    return redirect(url_for("backoffice.home"), code=303)


# --- the callback's steps ------------------------------------------------------------------

def _verified_claims(sso: Sso, flow) -> dict:
    if request.args.get("error"):
        raise Refused("provider_error_" + str(request.args.get("error"))[:40])
    if not isinstance(flow, dict) or flow.get("tenant") != current_tenant.slug \
            or flow.get("issuer") != sso.issuer or flow.get("client_id") != sso.client_id:
        raise Refused("no_sign_in_in_progress")
    state = request.args.get("state") or ""
    if not hmac.compare_digest(state.encode("utf-8", "surrogatepass"),
                               str(flow.get("state", "")).encode()):
        raise Refused("state_mismatch")
    started = flow.get("started")
    if not isinstance(started, int) or not 0 <= now().timestamp() - started <= FLOW_TIMEOUT:
        raise Refused("sign_in_took_too_long")
    code = request.args.get("code")
    if not code:
        raise Refused("no_code")
    secret = _client_secret(sso, log=True)
    if secret is None:
        raise Refused("client_secret_not_set", 503)
    provider = _provider(sso)
    token = _exchange(sso, provider, secret, code, flow["verifier"])
    return _check_id_token(sso, provider, token, flow["nonce"])


def _exchange(sso: Sso, provider: _Provider, secret: str, code: str, verifier: str) -> dict:
    methods = provider.metadata.get("token_endpoint_auth_methods_supported") \
        or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    try:
        with OAuth2Session(client_id=sso.client_id, client_secret=secret,
                           token_endpoint_auth_method=method, redirect_uri=_redirect_uri(),
                           code_challenge_method="S256") as client:
            token = client.fetch_token(provider.metadata["token_endpoint"],
                                       grant_type="authorization_code", code=code,
                                       code_verifier=verifier, timeout=HTTP_TIMEOUT,
                                       allow_redirects=False)
    except OAuthError as error:
        raise Refused("token_error_" + str(error.error or "unknown")[:40]) from error
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise Refused("token_request_failed") from error
    if not isinstance(token.get("id_token"), str):
        raise Refused("no_id_token")
    return dict(token)


def _check_id_token(sso: Sso, provider: _Provider, token: dict, nonce: str) -> dict:
    algorithms = _algorithms(provider)
    try:
        try:
            decoded = jwt.decode(token["id_token"], _key_set(provider), algorithms=algorithms)
        except InvalidKeyIdError:
            # The provider may have rotated its keys since we fetched them: fetch them once more.
            decoded = jwt.decode(token["id_token"], _key_set(provider, refresh=True),
                                 algorithms=algorithms)
        essential = {"essential": True}
        claims = CodeIDToken(
            decoded.claims, decoded.header,
            {"iss": {**essential, "value": sso.issuer}, "aud": {**essential, "value": sso.client_id},
             "sub": essential, "exp": essential, "iat": essential,
             "nonce": {**essential, "value": nonce}},
            {"nonce": nonce, "client_id": sso.client_id, "access_token": token.get("access_token")})
        moment = int(now().timestamp())
        claims.validate(now=moment, leeway=LEEWAY)
    except ClaimError as error:
        raise Refused(f"{error.error}_{error.claim}") from error
    except JoseError as error:
        raise Refused(error.error or "invalid_id_token") from error
    except (ValueError, TypeError) as error:
        raise Refused("invalid_id_token") from error
    if not isinstance(claims.get("iat"), (int, float)) or claims["iat"] < moment - MAX_TOKEN_AGE:
        raise Refused("id_token_too_old")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not 0 < len(subject) <= 255:
        raise Refused("bad_subject")
    return dict(claims)


def _email_verified(claims: dict) -> bool:
    verified = claims.get("email_verified")
    return verified is True or (isinstance(verified, str) and verified.lower() == "true")


def _officer_for(claims: dict) -> tuple[StaffUser, StaffIdentity]:
    """The officer of this council named by (iss, sub), linking a new pair to a matching
    officer the first time. Queries are scoped to the council in the address."""
    issuer, subject = claims["iss"], claims["sub"]
    identity = db.session.scalar(select(StaffIdentity).where(StaffIdentity.issuer == issuer,
                                                             StaffIdentity.subject == subject))
    if identity is not None:
        user = db.session.get(StaffUser, identity.user_id)
        if not _can_sign_in(user):
            raise Refused("officer_disabled_or_locked")
        return user, identity

    email = claims.get("email")
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        raise Refused("unknown_subject_no_email")
    if not _email_verified(claims):
        raise Refused("unknown_subject_email_not_verified")
    matches = db.session.scalars(select(StaffUser).where(
        func.lower(StaffUser.email) == email.strip().lower())).all()
    if len(matches) != 1:
        raise Refused("unknown_subject_no_matching_officer")
    user = matches[0]
    if not _can_sign_in(user):
        raise Refused("officer_disabled_or_locked")
    linked = db.session.scalar(select(StaffIdentity.id).where(StaffIdentity.user_id == user.id,
                                                              StaffIdentity.issuer == issuer))
    if linked is not None:
        raise Refused("officer_already_linked_to_another_subject")
    identity = StaffIdentity(user_id=user.id, issuer=issuer, subject=subject)
    db.session.add(identity)
    try:
        db.session.flush()
    except IntegrityError as error:
        # The pair already belongs to an officer of another council (unique across councils).
        raise Refused("identity_belongs_to_another_council") from error
    current_app.logger.info("Single sign-on identity linked to officer %s at council %s.",
                            user.id, current_tenant.slug)
    return user, identity
