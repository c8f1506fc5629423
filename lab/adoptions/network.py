"""The network drawing: cities on a circle, ordered west to east, and an arrow from each source
city to each city that adopted its practices, thicker for more practices.

This module only computes geometry (numbers). The SVG itself is written by a Jinja template with
autoescaping, so every city name reaches the page escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lab.adoptions.listings import Flow, Place

WIDTH = 800
HEIGHT = 600
RADIUS = 210  # of the circle the cities sit on
NODE_RADIUS = 7
LABEL_GAP = 14
LABEL_MAX = 22  # characters of a name shown in the drawing; the full name is in its <title>
BEND = 0.18  # how far an arrow bows from the straight line, as a share of its length
MIN_STROKE = 1.5
MAX_STROKE = 7.0


@dataclass(frozen=True)
class Node:
    """A city: its point on the circle and where its label goes."""

    place: Place
    x: float
    y: float
    label: str
    label_x: float
    label_y: float
    anchor: str  # text-anchor: start, middle or end


@dataclass(frozen=True)
class Edge:
    """An arrow from the source city to the adopting city."""

    flow: Flow
    path: str  # SVG path data: numbers and letters only
    width: float
    count_x: float
    count_y: float
    marker: str  # the id of its arrowhead


@dataclass(frozen=True)
class Marker:
    """An arrowhead, sized for the arrows that use it (wider arrows, bigger heads)."""

    id: str
    size: float


@dataclass(frozen=True)
class Drawing:
    """Everything the SVG template needs."""

    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]
    markers: list[Marker]


def _short(name: str) -> str:
    return name if len(name) <= LABEL_MAX else name[: LABEL_MAX - 1].rstrip() + "…"


def _order(places: list[Place]) -> list[Place]:
    """West to east; cities without coordinates last, by name."""
    return sorted(
        places,
        key=lambda p: (
            p.longitude is None,
            float(p.longitude) if p.longitude is not None else 0.0,
            p.name.casefold(),
            p.id,
        ),
    )


def _nodes(places: list[Place]) -> dict[int, Node]:
    cx, cy = WIDTH / 2, HEIGHT / 2
    nodes = {}
    count = len(places)
    for n, place in enumerate(_order(places)):
        # Start on the left (west) and go clockwise over the top (SVG's y points down).
        angle = math.pi + 2 * math.pi * n / count
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = cx + RADIUS * cos, cy + RADIUS * sin
        lx, ly = cx + (RADIUS + LABEL_GAP) * cos, cy + (RADIUS + LABEL_GAP) * sin
        anchor = "start" if cos > 0.3 else "end" if cos < -0.3 else "middle"
        if anchor == "middle":
            ly += 12 if sin > 0 else -4  # below the bottom point, above the top one
        else:
            ly += 4
        nodes[place.id] = Node(place, x, y, _short(place.name), lx, ly, anchor)
    return nodes


def _head(width: float) -> float:
    """The arrowhead's length and breadth for an arrow of this width."""
    return round(8 + 2 * width, 1)


def _edge(flow: Flow, start: Node, end: Node, width: float, marker: str) -> Edge:
    dx, dy = end.x - start.x, end.y - start.y
    # A quadratic curve bowed to the right of the direction of travel, so that A→B and B→A
    # are two arrows, not one line.
    mx, my = (start.x + end.x) / 2, (start.y + end.y) / 2
    qx, qy = mx - dy * BEND, my + dx * BEND
    # Start at the edge of the city's dot; stop where the arrowhead's base goes, so that its tip
    # touches the adopting city's dot and the line never shows past it.
    gap = NODE_RADIUS + 2
    sx, sy = _towards(start.x, start.y, qx, qy, gap)
    ex, ey = _towards(end.x, end.y, qx, qy, gap + _head(width))
    path = f"M {sx:.1f} {sy:.1f} Q {qx:.1f} {qy:.1f} {ex:.1f} {ey:.1f}"
    # The middle of the curve, for the number of practices.
    count_x = 0.25 * start.x + 0.5 * qx + 0.25 * end.x
    count_y = 0.25 * start.y + 0.5 * qy + 0.25 * end.y
    return Edge(flow, path, round(width, 1), round(count_x, 1), round(count_y, 1), marker)


def _towards(x: float, y: float, tx: float, ty: float, distance: float) -> tuple[float, float]:
    dx, dy = tx - x, ty - y
    length = math.hypot(dx, dy) or 1.0
    return x + dx / length * distance, y + dy / length * distance


def draw(flows: list[Flow]) -> Drawing:
    """Lay the flows out: one node per city taking part, one arrow per flow."""
    places: dict[int, Place] = {}
    for flow in flows:
        places.setdefault(flow.source.id, flow.source)
        places.setdefault(flow.target.id, flow.target)
    nodes = _nodes(list(places.values())) if places else {}
    most = max((flow.count for flow in flows), default=1)
    edges = []
    markers: dict[float, Marker] = {}
    for flow in flows:
        share = (flow.count - 1) / (most - 1) if most > 1 else 0.0
        width = round(MIN_STROKE + share * (MAX_STROKE - MIN_STROKE), 1)
        size = _head(width)
        marker = markers.setdefault(size, Marker(f"network-arrow-{len(markers) + 1}", size))
        edges.append(_edge(flow, nodes[flow.source.id], nodes[flow.target.id], width, marker.id))
    # Draw the nodes in name order so the source reads predictably; geometry does not change.
    ordered = sorted(nodes.values(), key=lambda node: (node.place.name.casefold(), node.place.id))
    return Drawing(WIDTH, HEIGHT, ordered, edges, list(markers.values()))
