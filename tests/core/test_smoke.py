"""The world fixture builds and personas can log in."""

import pytest


@pytest.mark.django_db
def test_world_builds_and_personas_log_in(world):
    for name in world.users:
        world.client(name)
    assert world.op1.jurisdiction.path == "440700/440703/440703001"
