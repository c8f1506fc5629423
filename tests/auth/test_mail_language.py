"""Mail speaks its recipient's language: a user's preference, or the invited city's language."""

from __future__ import annotations

from lab.auth import invitations
from tests.auth.helpers import outbox_for
from tests.factories import make_city, make_user


def test_an_invitation_to_an_italian_city_is_written_in_italian():
    pavia = make_city(name="Pavia", languages=["it"])
    invitations.invite(make_user("admin"), "referente@pavia.example", "delegate", pavia.id)
    assert (
        outbox_for("referente@pavia.example")[0].subject
        == "Un invito per te dall'Heritage Living Lab"
    )


def test_a_reset_is_written_in_the_users_preferred_language(client):
    user = make_user(preferred_language="it")
    client.post("/password/forgot", data={"email": user.email})
    assert outbox_for(user.email)[0].subject == "Reimposta la tua password dell'Heritage Living Lab"


def test_without_a_known_language_mail_uses_the_interface_language(client):
    qingdao = make_city(
        name="Qingdao", country_code="CN", time_zone="Asia/Shanghai", languages=["zh"]
    )
    invitations.invite(make_user("admin"), "teacher@qingdao.example", "delegate", qingdao.id)
    assert (
        outbox_for("teacher@qingdao.example")[0].subject
        == "You are invited to the Heritage Living Lab"
    )
