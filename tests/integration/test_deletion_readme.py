"""README.md's list of what a school must do before it may delete is written from the tenant
files (portal.casework.deletion_readme): this fails when someone changes a rule and not the
README, or edits the README by hand. Run `flask --app wsgi tenants deletion-readme` to fix it.
A tenant file whose rule names a ground its nation's regulations do not have, or a condition
no role can record, is refused with the file, the key and the reason."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_section_is_the_one_the_tenant_files_give(app):
    from portal.casework.deletion_readme import current, section
    from portal.tenancy import tenants

    with app.app_context():
        expected = section(tenants())
    assert current(ROOT / "README.md") == expected, (
        "README.md's deletion section is out of date: run `flask --app wsgi tenants deletion-readme`")
    assert "**Rhondda Cynon Taf**" in expected and "8(1)(h)" in expected
    assert "CME Pupil Tracking Officer and Education Welfare Service" in expected


@pytest.mark.parametrize("edit, key, reason", [
    ('grounds = ["9(1)(h)", "9(1)(i)"]', "deletion.rules[0].grounds[0]",
     '"8(1)(h)" is not a ground of The School Attendance (Pupil Registration) (England) Regulations 2024'),
    ("joint_enquiries = [\"officer\", \"manager\"]\n", "deletion.rules[0].conditions[1]",
     'no role can record "joint_enquiries"'),
])
def test_a_rule_the_regulations_or_the_roles_cannot_carry_is_refused(tmp_path, edit, key, reason):
    from portal.tenant_config import TenantConfigError, load_tenants

    folder = tmp_path / "tenants"
    shutil.copytree(ROOT / "tenants", folder)
    path = folder / "stockport" / "tenant.toml"
    text = path.read_text(encoding="utf-8")
    assert edit in text
    text = text.replace(edit, 'grounds = ["8(1)(h)", "9(1)(i)"]' if edit.startswith("grounds")
                        else "", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TenantConfigError) as raised:
        load_tenants(folder)
    message = str(raised.value)
    assert "tenants/stockport/tenant.toml" in message and key in message and reason in message, message
