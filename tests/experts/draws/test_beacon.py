"""Hash chains and the party's own release service (`ggzy beacon serve`)."""

import json
import threading
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ggzy.experts import beacon
from ggzy.experts.beacon_server import Releaser, make_server
from ggzy.experts.models import Invitation
from ggzy.experts.services import draw
from ggzy.experts.verification import verify_attempt
from ggzy.kernel.errors import Conflict
from tests.fixtures.draws import INITIATOR


@settings(max_examples=30, deadline=None)
@given(length=st.integers(1, 700), data=st.data())
def test_every_element_hashes_back_to_the_anchor(length: int, data: st.DataObject) -> None:
    chain = beacon.Chain.create("sha256", length)
    index = data.draw(st.integers(1, length))
    value = chain.element(index)
    assert value == beacon.walk("sha256", chain.top, length - index).hex()
    assert beacon.check_release("sha256", chain.anchor, index, value)
    assert not beacon.check_release("sha256", chain.anchor, index + 1, value)


@pytest.fixture
def party_service(tmp_path: Path) -> Iterator[tuple[str, beacon.Chain, Path]]:
    chain = beacon.Chain.create("sm3", 300)
    path = tmp_path / "party.chain"
    path.write_text(chain.to_json())
    log = tmp_path / "party.log"
    server = make_server(Releaser(path, log), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", chain, log
    server.shutdown()


def post(url: str, body: Any) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_service_releases_in_order_only(party_service) -> None:
    url, chain, log = party_service
    with urllib.request.urlopen(url, timeout=5) as response:
        assert json.loads(response.read())["anchor"] == chain.anchor
    assert post(url, {"index": 2, "purpose": "peek"})[0] == 409  # no looking ahead
    status, body = post(url, {"index": 1, "purpose": "draw:1:1"})
    assert status == 200 and body["value"] == chain.element(1)
    assert post(url, {"index": 1, "purpose": "draw:1:1"})[0] == 200  # a retry
    assert post(url, {"index": 1, "purpose": "draw:9:9"})[0] == 409  # not twice
    assert post(url, {"oops": True})[0] == 400
    assert len(log.read_text().splitlines()) == 1
    assert beacon.HttpSource(url).release(2, "draw:1:2") == chain.element(2)


def test_an_unreachable_party_is_a_clear_error() -> None:
    with pytest.raises(Conflict) as caught:
        beacon.HttpSource("http://127.0.0.1:9/").release(1, "x")
    assert caught.value.code == "beacon_unreachable"


@pytest.mark.django_db
def test_a_draw_through_a_party_service(
    manual_clock, pool, province, party_service, tmp_path
) -> None:
    url, chain, _log = party_service
    centre_chain = beacon.Chain.create("sm3", 300)
    centre_file = tmp_path / "centre.chain"
    centre_file.write_text(centre_chain.to_json())
    draw.register_party(
        user=province["staff"],
        name="中心",
        organisation=province["centre"],
        chain=centre_chain,
        endpoint=f"file:{centre_file}",
    )
    draw.register_party(
        user=province["staff"],
        name="监督部门",
        organisation=province["supervisor"],
        chain=chain,
        endpoint=url,
    )
    request = draw.create_request(
        user=province["staff"],
        project_code="P-1",
        lot_name="某工程",
        procedure="works_tender",
        supervisor_id=province["supervisor"].pk,
        initiator_uscc=INITIATOR,
        opening_at=manual_clock.now() + timedelta(days=3),
        mode="local",
        committee_size=5,
        owner_representatives=0,
        requirements=[{"specialty": "A0801", "venue": "main", "count": 5}],
        main_venue_id=province["venues"][0].pk,
    )
    attempt = draw.draw(user=province["staff"], request_id=request.pk)
    assert Invitation.objects.filter(request=request).count() == 5
    assert verify_attempt(attempt).ok
