import pytest

from modules.accounts.models import User
from tests.conftest import PASSWORD


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_superuser("staff@innexar.app", PASSWORD, name="Sam Staff")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
