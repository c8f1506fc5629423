"""The cities command line."""

from __future__ import annotations

from lab.cities import services


def test_add_and_link_cities_from_the_command_line(runner):
    result = runner.invoke(
        args=[
            "cities",
            "add",
            "--name",
            "Duisburg",
            "--country",
            "DE",
            "--time-zone",
            "Europe/Berlin",
            "--language",
            "de",
        ]
    )
    assert result.exit_code == 0, result.output
    runner.invoke(
        args=[
            "cities",
            "add",
            "--name",
            "Perm",
            "--country",
            "RU",
            "--time-zone",
            "Asia/Yekaterinburg",
            "--language",
            "ru",
        ]
    )
    result = runner.invoke(args=["cities", "link", "perm", "duisburg", "--since", "2007"])
    assert result.exit_code == 0, result.output
    assert services.twin_links_of(services.get_city("duisburg"))[0][1] == 2007


def test_bad_input_on_the_command_line_is_a_clear_error(runner):
    result = runner.invoke(
        args=[
            "cities",
            "add",
            "--name",
            "X",
            "--country",
            "ZZ",
            "--time-zone",
            "Europe/Rome",
            "--language",
            "it",
        ]
    )
    assert result.exit_code != 0
    assert "ISO 3166" in result.output
    result = runner.invoke(args=["cities", "link", "nowhere", "elsewhere", "--since", "2000"])
    assert result.exit_code != 0
    assert "There is no city nowhere" in result.output
