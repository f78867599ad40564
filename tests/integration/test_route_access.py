"""Every route declares who may reach it."""
from portal.access import access_of


def test_every_route_declares_its_access(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue  # the GOV.UK and portal assets: public files, no data
        view = app.view_functions[rule.endpoint]
        if access_of(view) is None:
            undeclared.append(f"{rule.rule} ({rule.endpoint})")
    assert undeclared == []


def test_the_walker_would_catch_an_undeclared_route(app_with):
    other = app_with()

    @other.get("/undeclared-test-route")
    def undeclared():  # pragma: no cover - never requested
        return "no"

    assert access_of(other.view_functions["undeclared"]) is None
