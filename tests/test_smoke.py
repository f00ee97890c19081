def test_it_builds_the_world(world):
    assert world.households_a[0].residents.count() == 3
    assert world.commune.contains(world.group1)
    assert not world.other_commune.contains(world.group1)
