"""/api/v1/finance/categories/: income and expense categories with subcategories, listed whole as a
tree drawn in order; changed by managers and admins only."""

import pytest

from modules.finance.models import Category

CATEGORIES = "/api/v1/finance/categories/"


def _names(response) -> list[tuple[str, int]]:
    assert response.status_code == 200, response.content
    return [(row["name"], row["depth"]) for row in response.json()]


def test_it_creates_the_specs_category(admin_api, finance_a):
    response = admin_api.post(CATEGORIES, {"name": "Consultoria", "type": "income", "color": "#10B981"})

    assert response.status_code == 201
    category = response.json()
    assert category == {
        "id": category["id"], "name": "Consultoria", "type": "income", "parent_id": None, "color": "#10b981",
        "parent": None, "depth": 0,
    }
    assert [event.payload["name"] for event in finance_a.events("category.created")] == ["Consultoria"]


def test_the_list_is_whole_and_puts_parents_before_their_children(admin_api, finance_a):
    services = finance_a.category(name="Services", type="income")
    finance_a.category(name="Training", type="income", parent=services)
    consulting = finance_a.category(name="Consulting", type="income", parent=services)
    finance_a.category(name="Workshops", type="income", parent=consulting)
    finance_a.category(name="Products", type="income")
    rent = finance_a.category(name="Rent", type="expense")
    for number in range(30):  # more than a page of anything else
        finance_a.category(name=f"Office {number:02}", type="expense", parent=rent)

    response = admin_api.get(CATEGORIES)

    rows = _names(response)  # expense, then income: by type, then name
    assert rows[:2] == [("Rent", 0), ("Office 00", 1)]
    assert rows[31:] == [("Products", 0), ("Services", 0), ("Consulting", 1), ("Workshops", 2), ("Training", 1)]
    assert len(rows) == 36
    workshop = response.json()[34]
    assert workshop["parent"] == {
        "id": consulting.pk, "name": "Consulting", "type": "income", "parent_id": services.pk, "color": "#64748b",
    }


def test_a_category_read_alone_says_how_deep_it_is(admin_api, finance_a):
    top = finance_a.category(name="Services")
    middle = finance_a.category(name="Consulting", parent=top)
    leaf = finance_a.category(name="Workshops", parent=middle)

    assert admin_api.get(f"{CATEGORIES}{leaf.pk}/").json()["depth"] == 2


COLOUR = ["Enter a colour as #rrggbb, for example #10b981."]


@pytest.mark.parametrize(("body", "errors"), [
    ({"name": "Sales", "type": "income", "color": "green"}, {"color": COLOUR}),
    ({"name": "Sales", "type": "income", "color": "#12345"}, {"color": COLOUR}),
    ({"name": "  ", "type": "income"}, {"name": ["This field may not be blank."]}),
    ({"name": "Sales", "type": "profit"}, {"type": ['"profit" is not a valid choice.']}),
])
def test_it_refuses_a_colour_that_is_not_hex_and_a_name_or_type_missing(admin_api, finance_a, body, errors):
    response = admin_api.post(CATEGORIES, body)

    assert response.status_code == 400
    assert response.json() == errors
    assert finance_a.query(lambda: Category.objects.count()) == 0


def test_a_subcategory_has_its_parents_type(admin_api, finance_a):
    expense = finance_a.category(name="Rent", type="expense")

    response = admin_api.post(CATEGORIES, {"name": "Sales", "type": "income", "parent_id": expense.pk})

    assert response.json() == {"parent_id": ["A subcategory has the type of its parent (income or expense)."]}


def test_a_category_cannot_go_under_itself_or_below_it(admin_api, finance_a):
    top = finance_a.category(name="Services")
    middle = finance_a.category(name="Consulting", parent=top)
    leaf = finance_a.category(name="Workshops", parent=middle)
    message = {"parent_id": ["A category cannot go under itself or one of its subcategories."]}

    assert admin_api.patch(f"{CATEGORIES}{top.pk}/", {"parent_id": top.pk}).json() == message
    assert admin_api.patch(f"{CATEGORIES}{top.pk}/", {"parent_id": leaf.pk}).json() == message
    moved = admin_api.patch(f"{CATEGORIES}{leaf.pk}/", {"parent_id": top.pk})
    assert (moved.status_code, moved.json()["depth"]) == (200, 1)
    assert finance_a.query(lambda: Category.objects.get(pk=top.pk).parent_id) is None


def test_two_categories_in_one_place_do_not_share_a_name(admin_api, finance_a):
    top = finance_a.category(name="Services")
    finance_a.category(name="Consulting", parent=top)

    same_place = admin_api.post(CATEGORIES, {"name": "CONSULTING", "type": "income", "parent_id": top.pk})
    top_level = admin_api.post(CATEGORIES, {"name": "Consulting", "type": "income"})
    expense = admin_api.post(CATEGORIES, {"name": "Services", "type": "expense"})

    assert same_place.json() == {"name": ["There is already a category with this name in the same place."]}
    assert (top_level.status_code, expense.status_code) == (201, 201)


def test_the_type_stays_while_accounts_or_subcategories_use_it(admin_api, finance_a):
    used = finance_a.category(name="Services")
    finance_a.account(category=used)
    parent = finance_a.category(name="Products")
    finance_a.category(name="Hardware", parent=parent)
    free = finance_a.category(name="Misc")
    message = {"type": ["Accounts or subcategories use this category: its type cannot change."]}

    assert admin_api.patch(f"{CATEGORIES}{used.pk}/", {"type": "expense"}).json() == message
    assert admin_api.patch(f"{CATEGORIES}{parent.pk}/", {"type": "expense"}).json() == message
    assert admin_api.patch(f"{CATEGORIES}{free.pk}/", {"type": "expense"}).json()["type"] == "expense"


def test_an_edit_records_what_changed(admin_api, finance_a):
    category = finance_a.category(name="Sales", color="#64748b")

    admin_api.patch(f"{CATEGORIES}{category.pk}/", {"color": "#10b981"})
    admin_api.patch(f"{CATEGORIES}{category.pk}/", {"color": "#10B981"})  # the same colour

    [updated] = finance_a.events("category.updated")
    assert updated.changes == {"color": {"old": "#64748b", "new": "#10b981"}}


def test_a_category_in_use_is_not_deleted(admin_api, finance_a):
    used = finance_a.category(name="Services")
    finance_a.account(category=used)
    finance_a.account(category=used)
    finance_a.category(name="Consulting", parent=used)
    free = finance_a.category(name="Misc")

    refused = admin_api.delete(f"{CATEGORIES}{used.pk}/")
    deleted = admin_api.delete(f"{CATEGORIES}{free.pk}/")

    assert refused.json() == {"non_field_errors": [
        "2 accounts use this category. It has 1 subcategory. Move them to another category before deleting this one."
    ]}
    assert deleted.status_code == 204
    assert [event.payload["name"] for event in finance_a.events("category.deleted")] == ["Misc"]


def test_members_read_categories_and_only_managers_and_admins_change_them(api, team_a, finance_a):
    category = finance_a.category(name="Sales")
    member = api(host=team_a.host, user=team_a.user)
    manager = api(host=team_a.host, user=team_a.manager)
    refusal = {"detail": "Only a manager or an admin can change categories and bank accounts."}

    assert [row["name"] for row in member.get(CATEGORIES).json()] == ["Sales"]
    assert member.get(f"{CATEGORIES}{category.pk}/").status_code == 200
    assert member.post(CATEGORIES, {"name": "Rent", "type": "expense"}).json() == refusal
    assert member.patch(f"{CATEGORIES}{category.pk}/", {"name": "Hijacked"}).status_code == 403
    assert member.delete(f"{CATEGORIES}{category.pk}/").status_code == 403
    assert manager.patch(f"{CATEGORIES}{category.pk}/", {"name": "Sales & services"}).status_code == 200
    assert finance_a.query(lambda: list(Category.objects.values_list("name", flat=True))) == ["Sales & services"]


@pytest.mark.parametrize(("method", "body"), [("get", None), ("patch", {"name": "Hijacked"}), ("delete", None)])
def test_another_workspace_does_not_find_our_categories(api, team_b, finance_a, method, body):
    category = finance_a.category(name="Alpha secret")
    intruder = api(host=team_b.host, user=team_b.admin)

    response = getattr(intruder, method)(f"{CATEGORIES}{category.pk}/", body)

    assert response.status_code == 404
    assert intruder.get(CATEGORIES).json() == []
    assert finance_a.query(lambda: Category.objects.get(pk=category.pk).name) == "Alpha secret"
