from modules.accounts.models import User
from modules.demo.loader import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, demo_tenant_ensure
from modules.tenancy.models import CompanyProfile, Tenant


def test_the_demo_tenant_loads_with_a_team_and_company(api, db):
    tenant = demo_tenant_ensure()

    assert tenant.subdomain == "demo"
    assert User.objects.filter(tenant=tenant).count() == 4
    profile = CompanyProfile.objects.get(tenant=tenant)
    assert profile.tax_id == "04-3456789"
    # An American company: its own currency, and no Brazilian or Mexican fields (countries.py).
    assert (profile.country, profile.default_currency, profile.tax_regime, profile.pix_key) == ("US", "USD", "", "")
    response = api(host="demo.localhost").post(
        "/api/v1/public/auth/login/", {"email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200


def test_loading_the_demo_twice_changes_nothing(db):
    first = demo_tenant_ensure()
    users = User.objects.count()

    second = demo_tenant_ensure()

    assert first == second
    assert Tenant.objects.filter(subdomain="demo").count() == 1
    assert User.objects.count() == users
