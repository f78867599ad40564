"""README.md's section "Before a school may delete a pupil's name", written from the councils'
tenant files (``[[deletion.rules]]``): ``flask tenants deletion-readme`` rewrites it between
its markers, and tests/integration/test_deletion_readme.py fails when it is out of date. No
hand-kept copy."""
from __future__ import annotations

from pathlib import Path

from portal.rules.deletion_grounds import RULESETS
from portal.tenant_config.schema import Tenant

START = "<!-- deletion-rules:start (written by `flask tenants deletion-readme`; do not edit) -->"
END = "<!-- deletion-rules:end -->"

CONDITION_WORDS = {
    "informed_in_advance": "the council told before the deletion",
    "joint_enquiries": "the school's and the council's reasonable enquiries recorded as complete",
    "cme_referral_acknowledged": "a CME referral acknowledged by the CME team",
    "officer_advice": "{advice} advice recorded",
    "agreement": "agreement recorded by {parties}",
    "ctf_s2s": "the CTF coded XXXXXXX on S2S (when the destination is unknown)",
}


def _words(tenant: Tenant, condition: str) -> str:
    deletion = tenant.deletion
    advice = deletion.advice_from.en if deletion.advice_from else "the named officer's"
    advice = advice + "'s" if not advice.endswith("'s") else advice
    parties = " and ".join(p.label.en for p in deletion.parties)
    return CONDITION_WORDS[condition].format(advice=advice, parties=parties)


def section(tenants: dict[str, Tenant]) -> str:
    lines = [START, ""]
    for tenant in tenants.values():
        ruleset = next(r for r in RULESETS if r.jurisdiction == tenant.nation
                       and r.superseded_on is None)
        lines.append(f"**{tenant.name.en}** ({ruleset.title.en}):")
        lines.append("")
        covered = set()
        for rule in tenant.deletion.rules:
            covered.update(rule.grounds)
            needs = ("; ".join(_words(tenant, c) for c in rule.conditions)
                     if rule.conditions else "inform only")
            lines.append(f"- {', '.join(rule.grounds)}: {needs}. _{rule.source}_")
        rest = [g.code for g in ruleset.grounds if g.code not in covered]
        if rest:
            lines.append(f"- {', '.join(rest)}: inform only (no rule in the tenant file).")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def rewrite(readme: Path, tenants: dict[str, Tenant]) -> bool:
    """Write the section into README.md between its markers; True when it changed."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(START), text.index(END) + len(END)
    new = text[:start] + section(tenants) + text[end:]
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def current(readme: Path) -> str:
    text = readme.read_text(encoding="utf-8")
    return text[text.index(START):text.index(END) + len(END)]
