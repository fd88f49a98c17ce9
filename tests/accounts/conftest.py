import pytest

from ggzy.accounts.models import Level, Organisation, Region, Role, User

PASSWORD = "Corr3ct-Horse-Battery"


@pytest.fixture
def province(db) -> Region:
    return Region.objects.create(code="430000", name="湖南省", level=Level.PROVINCE)


@pytest.fixture
def centre(province: Region) -> Organisation:
    return Organisation.objects.create(
        kind=Organisation.Kind.CENTRE,
        name="湖南省公共资源交易中心",
        region=province,
        level=Level.PROVINCE,
    )


@pytest.fixture
def centre_user(centre: Organisation) -> User:
    return User.objects.create_user(
        username="staff", password=PASSWORD, role=Role.CENTRE, organisation=centre, real_name="张三"
    )


@pytest.fixture
def entity_user(db) -> User:
    return User.objects.create_user(username="bidder", password=PASSWORD, role=Role.ENTITY)
