"""The adoption ledger's pages: record an adoption, its updates, and the network of learning."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("adoptions", __name__)
