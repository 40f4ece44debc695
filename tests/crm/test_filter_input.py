"""List filters fed values a person mistypes or a script invents: a 4xx naming the filter."""

import pytest

BIG = "99999999999999999999999"


@pytest.mark.parametrize("path, query, field, message", [
    ("leads", "created_after=2025-13-45", "created_after",
     "Enter a date (YYYY-MM-DD) or an ISO 8601 date and time."),
    ("contacts", "created_before=2025-02-30T10:00:00", "created_before",
     "Enter a date (YYYY-MM-DD) or an ISO 8601 date and time."),
    ("leads", "score_min=99999999999999999999", "score_min", "Ensure this value is less than or equal to 100."),
    ("leads", "tags=&score_max=-107", "score_max", "Ensure this value is greater than or equal to 0."),
    ("leads", "score_min=1.5", "score_min", "Enter a whole number."),
    ("activities", f"related_to_id={BIG}", "related_to_id",
     "Ensure this value is less than or equal to 9223372036854775807."),
    ("contacts", f"assigned_to=1,{BIG}", "assigned_to",
     "Ensure this value is less than or equal to 9223372036854775807."),
    ("contacts", "assigned_to=1.5", "assigned_to", "Enter a whole number."),
    ("deals", "value_min=1e999999", "value_min", "Enter an amount such as 5000.00."),
])
def test_the_api_refuses_an_impossible_filter_naming_it(admin_api, path, query, field, message):
    response = admin_api.get(f"/api/v1/crm/{path}/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0] == message


def test_the_filter_errors_are_translated(api, team_a):
    response = api(host=team_a.host, user=team_a.admin, language="pt-BR").get(
        "/api/v1/crm/leads/?created_after=2025-13-45"
    )

    assert response.status_code == 400
    assert response.json() == {
        "created_after": ["Informe uma data (AAAA-MM-DD) ou uma data e hora no formato ISO 8601."]
    }


@pytest.mark.parametrize("path, query, field", [
    ("leads", "created_before=9999-12-31", "created_before"),
    ("contacts", "created_after=0001-01-01T00:00:00%2B05:00", "created_after"),
    ("activities", "due_before=2200-01-01", "due_before"),
    ("contacts", "created_after=1899-12-31T23:59:59", "created_after"),
])
def test_a_date_outside_the_years_a_filter_takes_is_refused_in_english_and_portuguese(
    api, team_a, path, query, field
):
    english = api(host=team_a.host, user=team_a.admin).get(f"/api/v1/crm/{path}/?{query}")
    portuguese = api(host=team_a.host, user=team_a.admin, language="pt-BR").get(f"/api/v1/crm/{path}/?{query}")

    assert english.status_code == portuguese.status_code == 400
    assert english.json() == {field: ["Enter a date between the years 1900 and 2199."]}
    assert portuguese.json() == {field: ["Informe uma data entre os anos 1900 e 2199."]}


def test_the_first_and_last_years_a_filter_takes_list_what_they_hold(admin_api, crm_a):
    lead = crm_a.lead()

    everything = admin_api.get("/api/v1/crm/leads/?created_after=1900-01-01&created_before=2199-12-31")
    nothing = admin_api.get("/api/v1/crm/leads/?created_after=2199-12-31T23:59:59%2B05:00")

    assert [row["id"] for row in everything.json()["results"]] == [lead.pk]
    assert nothing.status_code == 200
    assert nothing.json()["results"] == []


@pytest.mark.parametrize("page, query, message", [
    ("leads", "created_after=2025-13-45", "Enter a date (YYYY-MM-DD) or an ISO 8601 date and time."),
    ("leads", "score_min=99999999999999999999", "Ensure this value is less than or equal to 100."),
    ("activities", f"related_to_id={BIG}", "Ensure this value is less than or equal to 9223372036854775807."),
    ("contacts", f"assigned_to={BIG}", "Ensure this value is less than or equal to 9223372036854775807."),
])
def test_the_pages_show_the_filters_error_with_a_422(member, page, query, message):
    response = member.get(f"/crm/{page}/?{query}")

    assert response.status_code == 422
    assert message in response.content.decode()


def test_the_pages_refuse_a_date_outside_the_years_a_filter_takes_in_the_users_language(member):
    english = member.get("/crm/leads/?created_before=9999-12-31")
    member.cookies["django_language"] = "pt-br"
    portuguese = member.get("/crm/leads/?created_before=9999-12-31")

    assert english.status_code == portuguese.status_code == 422
    assert "Enter a date between the years 1900 and 2199." in english.content.decode()
    assert "Informe uma data entre os anos 1900 e 2199." in portuguese.content.decode()


@pytest.mark.parametrize("query, field, message", [
    ("page_size=0", "page_size", "Ensure this value is greater than or equal to 1."),
    ("page_size=abc", "page_size", "Enter a whole number."),
    ("page_size=2.0", "page_size", "Enter a whole number."),
    ("created_after=", "created_after", "Give this parameter a value, or leave it out."),
    ("status=", "status", "Give this parameter a value, or leave it out."),
])
def test_the_api_refuses_a_parameter_the_schema_forbids(admin_api, query, field, message):
    response = admin_api.get(f"/api/v1/crm/leads/?{query}")

    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_a_boolean_filter_takes_true_or_false_only(api, team_a):
    response = api(host=team_a.host, user=team_a.admin).get("/api/v1/users/?is_active=null")

    assert response.status_code == 400
    assert response.json() == {"is_active": ["Enter true or false."]}


def test_an_empty_text_filter_is_no_filter(admin_api, crm_a):
    lead = crm_a.lead()

    response = admin_api.get("/api/v1/crm/leads/?search=&tags=")

    assert [row["id"] for row in response.json()["results"]] == [lead.pk]


def test_a_moment_with_an_offset_postgresql_does_not_take_is_compared_in_utc(admin_api, crm_a):
    lead = crm_a.lead()

    response = admin_api.get("/api/v1/crm/contacts/?created_before=1941-04-08T08:51:21%2B19:12")
    assert response.status_code == 200
    assert admin_api.get("/api/v1/crm/leads/?created_after=2000-01-01T00:00:00%2B23:59").json()["results"][0]["id"] == (
        lead.pk
    )


def test_a_page_past_what_sql_can_skip_is_a_404(admin_api):
    assert admin_api.get("/api/v1/crm/leads/?page=99999999999999999999").status_code == 404


def test_the_new_filter_messages_are_translated(api, team_a):
    spanish = api(host=team_a.host, user=team_a.admin, language="es")

    assert spanish.get("/api/v1/crm/deals/?value_min=5e3").json() == {"value_min": ["Ingrese un importe como 5000.00."]}
    assert spanish.get("/api/v1/crm/deals/?stage=").json() == {"stage": ["Dé un valor a este parámetro, u omítalo."]}
    assert spanish.get("/api/v1/crm/activities/?completed=1").json() == {"completed": ["Ingrese true o false."]}
