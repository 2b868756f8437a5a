"""Templates are compiled before serving, so no request pays for compiling one."""

from __future__ import annotations

import pytest
from django.template import engines

from continuity.config.jinja2 import environment, precompile


def test_precompile_compiles_every_page_template_into_the_cache() -> None:
    env = environment()
    names = env.list_templates(extensions=["jinja"])
    assert "layout.jinja" in names and "pregnancies/woman.jinja" in names
    assert not env.cache  # a fresh environment has compiled nothing yet

    assert precompile(env) == len(names)

    cached = {key[1] for key in env.cache}
    assert cached == set(names)  # every template, nothing evicted
    # The app's own templates and the NHS.UK frontend macros are both there.
    assert any(n.startswith("nhsuk/components/") for n in cached)


@pytest.mark.django_db
def test_a_precompiled_template_is_served_without_loading_it_again(
    client: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    precompile(env)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a template was loaded (compiled) during a request")

    monkeypatch.setattr(env.loader, "load", refuse)
    response = client.get("/sign-in/")  # type: ignore[attr-defined]
    assert response.status_code == 200
