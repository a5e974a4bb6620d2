"""Order expansion and build-plan trials, as the spec's detect rules describe them."""

from seldon_platform.lifecycle.descriptor import GroupEntry as E
from seldon_platform.lifecycle.order import Detected, PlanOption, expand, resolve


def req(*names):
    return [{"name": n} for n in names]


def det(bp_id, *options, optional=False):
    return Detected(E(bp_id, "1", optional), list(options) or [PlanOption()])


def ids(resolution):
    return [e.id for e in resolution.group]


def test_composites_expand_depth_first_and_multiply():
    composites = {
        "O": [[E("A"), E("B")], [E("C")]],
        "P": [[E("X")], [E("Y")]],
    }
    order = [[E("E"), E("O"), E("P"), E("F")]]
    groups = expand(order, lambda e: composites.get(e.id))
    assert [[e.id for e in g] for g in groups] == [
        ["E", "A", "B", "X", "F"],
        ["E", "A", "B", "Y", "F"],
        ["E", "C", "X", "F"],
        ["E", "C", "Y", "F"],
    ]


def test_optional_composite_adds_a_group_without_it_and_repeats_are_dropped():
    composites = {"O": [[E("A"), E("B")]]}
    groups = expand([[E("A"), E("O", optional=True), E("F")]], lambda e: composites.get(e.id))
    assert [[e.id for e in g] for g in groups] == [["A", "B", "F"], ["A", "F"]]


def test_provider_before_requirer_resolves_with_plan_entry():
    a = det("A", PlanOption(provides=req("py")))
    b = det("B", PlanOption(requires=[{"name": "py", "metadata": {"v": "3"}}]))
    result = resolve([a, b])
    assert ids(result) == ["A", "B"]
    assert len(result.plan) == 1
    assert [p.id for p in result.plan[0].providers] == ["A"]
    assert result.plan[0].requires == [{"name": "py", "metadata": {"v": "3"}}]


def test_provides_without_requires_fails_a_required_buildpack():
    assert resolve([det("A", PlanOption(provides=req("py")))]) is None


def test_requirement_before_provider_fails():
    b = det("B", PlanOption(requires=req("py")))
    a = det("A", PlanOption(provides=req("py")))
    assert resolve([b, a]) is None


def test_or_alternative_is_used_when_the_first_option_does_not_fit():
    a = det("A", PlanOption(provides=req("py")), PlanOption())
    c = det("C")
    result = resolve([a, c])
    assert ids(result) == ["A", "C"]
    assert result.plan == []


def test_optional_violator_is_removed_and_the_rest_resolves():
    a = det("A", PlanOption(requires=req("missing")), optional=True)
    b = det("B")
    assert ids(resolve([a, b])) == ["B"]


def test_optional_buildpack_tries_its_or_options_before_removal():
    a = det("A", PlanOption(provides=req("x")), PlanOption(provides=req("py")), optional=True)
    b = det("B", PlanOption(requires=req("py")))
    result = resolve([a, b])
    assert ids(result) == ["A", "B"]


def test_buildpack_may_satisfy_its_own_requirement_and_several_providers_share():
    a = det("A", PlanOption(provides=req("py"), requires=req("py")))
    b = det("B", PlanOption(provides=req("py")))
    c = det("C", PlanOption(requires=req("py")))
    result = resolve([a, b, c])
    assert ids(result) == ["A", "B", "C"]
    assert [p.id for p in result.plan[0].providers] == ["A", "B"]
    assert len(result.plan[0].requires) == 2


def test_only_optional_buildpacks_that_all_drop_out_fail():
    a = det("A", PlanOption(requires=req("nothing")), optional=True)
    assert resolve([a]) is None


def test_unresolved_names_the_unmet_requirement_and_the_unwanted_provision():
    from seldon_platform.lifecycle.order import unresolved

    moon = det("samples/hello-moon", PlanOption(requires=req("some-world")))
    world = det("samples/hello-world", PlanOption(provides=req("other")))
    assert unresolved([moon, world]) == [
        "samples/hello-moon requires 'some-world', which no buildpack up to it provides",
        "samples/hello-world provides 'other', which no buildpack from it on requires",
    ]
