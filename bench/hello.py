"""The bare Flask app the benchmark measures beside the Lab: one route, one short string.

``bench/run.py`` serves it under the same gunicorn settings as the Lab and reports each page's
throughput as a share of this one's, so that results from different machines compare.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Answer with a few bytes of text: the cost of Flask and gunicorn alone."""
    return "Hello, World!"
