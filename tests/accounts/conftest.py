import pytest

from ggzy.accounts.models import Organisation, Region, Role, User
from tests.fixtures.people import hunan, organisation, person

PASSWORD = "Corr3ct-Horse-Battery"


@pytest.fixture
def province(db) -> Region:
    return hunan()


@pytest.fixture
def centre(province: Region) -> Organisation:
    return organisation(Organisation.Kind.CENTRE, "湖南省公共资源交易中心", province)


@pytest.fixture
def centre_user(centre: Organisation) -> User:
    return person("staff", Role.CENTRE, centre, password=PASSWORD, real_name="张三")


@pytest.fixture
def entity_user(db) -> User:
    return person("bidder", password=PASSWORD, real_name="")
