"""Sections that higher features add to the practice page (see lab.core.sections)."""

from __future__ import annotations

from lab.core.sections import PageSections

# Loaders are called as ``load(practice, viewer)``.
practice_page_sections = PageSections()
