"""The invitation mail rendered by modules.accounts.services.user_invite."""

from modules.accounts.services import user_invite


def test_it_invites_a_teammate_with_a_link_to_choose_a_password(
    team_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user_invite(actor=team_a.admin, email="new@alpha.example.com", name="Nora New", role="user")

    mail = mailoutbox[0]
    assert mail.subject == "Alpha Industries Admin invited you to Alpha Industries on Innexar"
    assert mail.body.startswith(
        "Hello Nora,\n\nAlpha Industries Admin invited you to join Alpha Industries on Innexar"
    )
    assert "\nhttp://alpha.localhost:8000/invitation/" in mail.body
