"""Webhooks as the example of a module's two states, whatever the state of the real module:
`unbuilt()` takes the real app out (Feature.WEBHOOKS is not available: coming soon), `shipped()`
puts this stand-in app, labelled "webhooks", in its place (available). Tests of the coming-soon
behaviour use them rather than a module that happens not to be built yet."""

from django.test import modify_settings

# The sidebar and the landing page list the modules found when navigation is first imported: that
# must be with the real apps, not inside `unbuilt()` when a test's first request happens there.
import modules.workspace.navigation  # noqa: F401, E402

REAL = "modules.webhooks"
STAND_IN = "tests.tenancy.webhooks_stand_in"


def unbuilt():
    return modify_settings(INSTALLED_APPS={"remove": [REAL]})


def shipped():
    return modify_settings(INSTALLED_APPS={"remove": [REAL], "append": STAND_IN})
