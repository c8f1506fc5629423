"""Tests of the shared themes."""
