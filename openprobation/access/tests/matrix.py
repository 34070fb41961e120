"""The permission matrix as docs/access.md writes it, and the case routes as the URL resolver lists them."""

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

DOC = Path(__file__).resolve().parents[3] / "docs" / "access.md"
OTHER = "other case pages"
ROLES = ("po", "pso", "spo", "case_admin", "court", "provider", "partner", "inspector", "admin", "dpo")
CELLS = {"RW", "R", "403", "404"}
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def documented_matrix() -> dict[str, dict[str, str]]:
    """{part: {role: "RW" | "R" | "403" | "404"}} from the table between the access-matrix markers."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- access-matrix")
    end = text.index("<!-- end access-matrix -->")
    lines = [line.strip() for line in text[start:end].splitlines() if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert tuple(header[1:]) == ROLES, f"the matrix columns must be {ROLES}, not {header[1:]}"
    matrix = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        part = cells[0].strip("`")
        assert set(cells[1:]) <= CELLS, f"unknown cell in the row for {part}: {cells[1:]}"
        matrix[part] = dict(zip(ROLES, cells[1:], strict=True))
    return matrix


def expected(matrix, role: str, part: str) -> str:
    return matrix.get(part, matrix[OTHER])[role]


@dataclass(frozen=True)
class Route:
    name: str  # namespaced: "case:overview"
    route: str
    params: tuple[str, ...]


def _walk(patterns, prefix="", namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            spaces = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), spaces)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield Route(
                name=":".join((*namespaces, pattern.name)),
                route=prefix + str(pattern.pattern),
                params=tuple(name for _, name in _PARAM.findall(prefix + str(pattern.pattern))),
            )


def case_routes() -> list[Route]:
    """Every named URL pattern that takes a CRN: new case pages are covered without anyone listing them."""
    return sorted((r for r in _walk(get_resolver().url_patterns) if "crn" in r.params), key=lambda r: r.name)


def app_values(case, users) -> dict[str, dict]:
    """Route parameters contributed by the apps: `openprobation/<app>/tests/matrix_values.py` defines
    `matrix_values(case, users) -> {route name: {parameter: value}}`, so each app covers its own routes with
    real objects of `case`."""
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("openprobation."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix_values")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.tests.matrix_values":
                raise
            continue
        found.update(module.matrix_values(case, users))
    return found


def route_url(route: Route, values: dict, per_route: dict) -> tuple[str | None, list[str]]:
    """The route's URL with real values (the route's own, else the shared ones), or None and the parameters
    nothing gave a value for."""
    given = {**values, **per_route.get(route.name, {})}
    missing = [param for param in route.params if given.get(param) is None]
    if missing:
        return None, missing
    return reverse(route.name, kwargs={param: given[param] for param in route.params}), []


def no_value_message(route: Route, missing) -> str:
    app = route.name.split(":")[0]
    return (f"{route.name}: no real value for {', '.join(missing)}; give one in its app's tests/matrix_values.py "
            f"(`matrix_values(case, users)`, namespace {app!r})")
