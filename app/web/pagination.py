"""Pagination without COUNT(*): fetch one row more than a page to know whether a next page exists."""
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select
from sqlalchemy.orm import Session

from app.extensions import db
from app.web.params import page_arg

#: A list query that takes its window itself: `fetch(limit=…, offset=…)` returns those rows.
Fetch = Callable[..., Sequence[Any]]


@dataclass
class Page:
    items: list[Any]
    number: int
    has_previous: bool
    has_next: bool

    def url(self, number: int) -> str:
        """This page's address with another page number, keeping the filters."""
        args = request.args.to_dict()
        args["page"] = str(number)
        return url_for(request.endpoint or "", **(request.view_args or {}), **args)


def paginate(rows: Select[Any] | Fetch, per_page: int, *, session: Session | None = None) -> Page:
    """This request's page of `rows`: a select statement, run in `session` (the app's by default), or a
    function `fetch(limit=…, offset=…)`; one row more than a page tells whether another follows."""
    number = page_arg()
    limit, offset = per_page + 1, (number - 1) * per_page
    if isinstance(rows, Select):
        found = list((session or db.session).scalars(rows.limit(limit).offset(offset)))
    else:
        found = list(rows(limit=limit, offset=offset))
    return Page(items=found[:per_page], number=number, has_previous=number > 1, has_next=len(found) > per_page)
