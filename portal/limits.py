"""How often someone may ask, keyed by what is being protected (issue 15, item 5).

Schools are the largest group of senders, and a secondary school filing its July leavers, or a
trust's shared office behind one internet address, sends hundreds of notices an hour. A limit
on every page of every form per address locked them out after about twenty notices. So:

- **filing** is limited per draft (one notice being filled in: ``public_draft_limit``) and per
  notice started per address (``public_form_limit``, at least 200 notices an hour for a large
  shared office), with a ceiling on every public form POST from one address
  (``public_address_ceiling``) that only a robot reaches;
- **signing in** is limited per address (``staff_sign_in_limit``) and per account
  (``staff_sign_in_account_limit``: failed attempts at one account from anywhere), beside the
  lockout after ``MAX_FAILED_ATTEMPTS`` (portal.auth);
- the counts live in ``RATELIMIT_STORAGE_URL`` (Redis, shared by every app server) when
  configured, in memory for the embedded default (portal.config);
- the client's address comes from ``X-Forwarded-For`` only when the request reached us through
  a proxy named in ``TRUSTED_PROXY_ADDRESSES`` (:class:`TrustedProxies`).

No key holds personal data: an account is keyed by a hash of the address typed, a draft by
its token (already an unguessable random string), never by a name or an email in clear.
"""
from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Iterable

from flask import current_app, request
from flask_limiter.util import get_remote_address

from portal.extensions import limiter

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- the client's address ------------------------------------------------------------------

def parse_networks(value: str) -> tuple[IpNetwork, ...]:
    """``"10.0.0.0/8, 127.0.0.1"`` -> networks; a bad entry raises ValueError naming it."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network") from None
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: when the connection comes from a trusted proxy, the client is the
    right-most address in X-Forwarded-For that is not itself a trusted proxy. From anyone else
    the header is ignored, so a visitor cannot choose the address its limits are counted by."""

    def __init__(self, app, networks: Iterable[IpNetwork]):
        self.app = app
        self.networks = tuple(networks)

    def trusted(self, value: str | None) -> bool:
        address = _address(value or "")
        return address is not None and any(address in network for network in self.networks)

    def client(self, remote: str | None, forwarded: str | None) -> str | None:
        if not forwarded or not self.trusted(remote):
            return remote
        for hop in reversed([hop.strip() for hop in forwarded.split(",")]):
            if _address(hop) is None:
                return remote  # a garbled header: keep the proxy's own address
            if not self.trusted(hop):
                return hop
        return remote

    def __call__(self, environ, start_response):
        remote = environ.get("REMOTE_ADDR")
        client = self.client(remote, environ.get("HTTP_X_FORWARDED_FOR"))
        if client != remote:
            environ["portal.proxy_address"] = remote
            environ["REMOTE_ADDR"] = client
        return self.app(environ, start_response)


# --- keys ------------------------------------------------------------------------------------

def address_key() -> str:
    return "address:" + (get_remote_address() or "unknown")


def draft_key() -> str:
    """The draft being filled in (its token from the browser's session), or the return being
    typed (its return token); the address when there is neither yet."""
    from portal.submissions import drafts

    token = request.form.get("return_token") or ""
    if not token and request.view_args and "form_slug" in request.view_args:
        from portal.tenancy import current_tenant

        token = drafts._tokens().get(drafts.draft_key(current_tenant.slug,
                                                      request.view_args["form_slug"])) or ""
    if not token or len(token) > 100:
        return address_key()
    return "draft:" + hashlib.sha256(token.encode()).hexdigest()[:32]


def account_key() -> str:
    """The account someone is trying to sign in to, by a hash of the address typed (casefolded,
    so that case changes count as one account)."""
    typed = (request.form.get("email") or "").strip().casefold()[:254]
    return "account:" + hashlib.sha256(typed.encode()).hexdigest()[:32]


def failed(response) -> bool:
    """Only a failed sign-in counts against the account: a sign-in that works redirects."""
    return response.status_code not in (302, 303)


# --- limits ----------------------------------------------------------------------------------

def setting(name: str) -> Callable[[], str]:
    return lambda: getattr(current_app.config["PORTAL_SETTINGS"], name)


def extra(name: str, default: str) -> Callable[[], str]:
    return lambda: current_app.config["PORTAL_SETTINGS"].extra.get(name, default)


#: Failed sign-ins at one account, from any address, before it must wait.
SIGN_IN_ACCOUNT_LIMIT = "5 per minute"


def public_filing(*, starts_a_notice: bool = False, methods: list[str] | None = None):
    """The limits on one public form POST: the address ceiling (shared by every public form
    route), then per draft, or per notice started for the route that starts one."""
    methods = methods or ["POST"]

    def decorate(view):
        view = limiter.shared_limit(setting("public_address_ceiling"), "public-form-posts",
                                    key_func=address_key, methods=methods)(view)
        if starts_a_notice:
            return limiter.limit(setting("public_form_limit"), key_func=address_key,
                                 methods=methods)(view)
        return limiter.shared_limit(setting("public_draft_limit"), "public-draft",
                                    key_func=draft_key, methods=methods)(view)
    return decorate


def sign_in_account(name: str = "staff_sign_in_account_limit"):
    """Failed password attempts at one account, whatever address they come from."""
    return limiter.limit(extra(name, SIGN_IN_ACCOUNT_LIMIT), key_func=account_key,
                         methods=["POST"], deduct_when=failed)
