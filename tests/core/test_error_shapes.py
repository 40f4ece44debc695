"""Every error has the spec's shape and speaks the client's language."""

import pytest
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

LOGIN = "/api/v1/public/auth/login/"

REQUIRED = {"en": "This field is required.", "pt-BR": "Este campo é obrigatório.", "es": "Este campo es requerido."}
NOT_AUTHENTICATED = {
    "en": "Authentication credentials were not provided.",
    "pt-BR": "As credenciais de autenticação não foram fornecidas.",
    "es": "Las credenciales de autenticación no se proveyeron.",
}
FORBIDDEN = {
    "en": "You do not have permission to perform this action.",
    "pt-BR": "Você não tem permissão para executar esta ação.",  # as the spec words it
    "es": "No tiene permiso para realizar esta acción.",
}
NOT_FOUND = {"en": "Not found.", "pt-BR": "Não encontrado.", "es": "No encontrado."}
INTERNAL = {
    "en": "Internal server error. Our team has been notified.",
    "pt-BR": "Erro interno do servidor. Nossa equipe foi notificada.",
    "es": "Error interno del servidor. Nuestro equipo ha sido notificado.",
}
LANGUAGES = ["en", "pt-BR", "es"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_400_is_a_dict_of_fields_with_translated_messages(api, db, language):
    response = api(language=language).post(LOGIN, {})

    assert response.status_code == 400
    assert response.json() == {"email": [REQUIRED[language]], "password": [REQUIRED[language]]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_401_has_a_translated_detail(api, db, language):
    response = api(language=language).get("/api/v1/auth/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": NOT_AUTHENTICATED[language]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_403_has_a_translated_detail(api, team_a, language):
    response = api(user=team_a.user, language=language).get("/api/v1/users/")

    assert response.status_code == 403
    assert response.json() == {"detail": FORBIDDEN[language]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_404_has_a_translated_detail(api, team_a, team_b, language):
    response = api(user=team_a.admin, language=language).get(f"/api/v1/users/{team_b.admin.id}/")

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND[language]}


def test_an_unknown_api_path_is_a_json_404(api, db):
    response = api().get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("language", LANGUAGES)
def test_malformed_json_is_a_400_not_a_500(api, db, language):
    response = api(language=language).client.post(LOGIN, data='{"email": ', content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


class _Exploding(APIView):
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        raise RuntimeError("password=hunter2 at db.internal:5432")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unexpected_error_is_a_json_500_that_leaks_nothing(language, caplog):
    request = APIRequestFactory().get("/api/v1/x/", HTTP_ACCEPT_LANGUAGE=language)
    from django.utils import translation

    with translation.override(language.lower()):
        response = _Exploding.as_view()(request)

    assert response.status_code == 500
    assert response.data == {"detail": INTERNAL[language]}
    assert "hunter2" in caplog.text, "the cause is logged for us"
