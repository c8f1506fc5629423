"""City pages as a visitor sees them."""

from __future__ import annotations

from lab.cities import services
from tests.factories import make_city


def test_city_page_shows_twin_cities_from_both_sides(client):
    perm = make_city(
        name="Perm", country_code="RU", time_zone="Asia/Yekaterinburg", languages=["ru"]
    )
    louisville = make_city(
        name="Louisville",
        country_code="US",
        time_zone="America/Kentucky/Louisville",
        languages=["en"],
    )
    services.link_twins(perm, louisville, 1994)

    perm_page = client.get(f"/cities/{perm.slug}").get_data(as_text=True)
    louisville_page = client.get(f"/cities/{louisville.slug}").get_data(as_text=True)

    assert "Louisville" in perm_page and "since 1994" in perm_page
    assert "Perm" in louisville_page and "since 1994" in louisville_page


def test_city_list_groups_cities_by_country(client):
    make_city(name="Pavia", country_code="IT")
    make_city(name="Hildesheim", country_code="DE", time_zone="Europe/Berlin", languages=["de"])
    page = client.get("/cities/").get_data(as_text=True)
    assert (
        page.index("Germany") < page.index("Hildesheim") < page.index("Italy") < page.index("Pavia")
    )


def test_home_introduces_the_lab_and_lists_only_member_cities(client):
    make_city(name="Coimbra", country_code="PT", time_zone="Europe/Lisbon", languages=["pt"])
    make_city(
        name="Oxford",
        country_code="GB",
        time_zone="Europe/London",
        languages=["en"],
        member_since=None,
    )
    page = client.get("/").get_data(as_text=True)
    members = page[page.index("Member cities") :]
    assert "Living Lab" in page
    assert "Coimbra" in members
    assert "Oxford" not in members


def test_unknown_or_malformed_city_slug_gives_the_404_page(client):
    for path in ("/cities/atlantis", "/cities/%00", "/cities/" + "x" * 500, "/cities/pavia/extra"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.get_data(as_text=True)


def test_deleted_city_is_gone_from_pages(client):
    city = make_city(name="Ghost Town")
    services_delete = city.mark_deleted
    services_delete()
    assert client.get(f"/cities/{city.slug}").status_code == 404
    assert "Ghost Town" not in client.get("/cities/").get_data(as_text=True)


def test_city_page_uses_the_same_number_of_queries_for_2_or_20_twins(client, count_queries):
    def city_with_twins(n: int) -> str:
        hub = make_city(name=f"Hub {n}")
        for _ in range(n):
            services.link_twins(hub, make_city(), 2000)
            hub.agreements  # noqa: B018 - loaded so the page's query is counted alike
        return hub.slug

    few, many = city_with_twins(2), city_with_twins(20)
    client.get(f"/cities/{few}")  # warm up the session cookie and caches
    with count_queries() as small:
        assert client.get(f"/cities/{few}").status_code == 200
    with count_queries() as large:
        assert client.get(f"/cities/{many}").status_code == 200
    assert small.n == large.n
    assert large.n <= 10


def test_city_page_shows_languages_with_their_lang_attribute(client):
    city = make_city(
        name="Turku", country_code="FI", time_zone="Europe/Helsinki", languages=["fi", "sv"]
    )
    page = client.get(f"/cities/{city.slug}").get_data(as_text=True)
    assert '<span lang="fi">Suomi</span>' in page
    assert '<span lang="sv">Svenska</span>' in page
