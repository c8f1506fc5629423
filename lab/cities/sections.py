"""Sections that higher features add to the city page (see lab.core.sections)."""

from __future__ import annotations

from lab.core.sections import PageSections

# Loaders are called as ``load(city, viewer)``.
city_page_sections = PageSections()
