"""Pagination without COUNT(*): fetch one row more than a page to know whether a next page exists."""
from dataclasses import dataclass

from flask import request, url_for

from app.web.params import page_arg


@dataclass
class Page:
    items: list
    number: int
    has_previous: bool
    has_next: bool

    def url(self, number: int) -> str:
        """This page's address with another page number, keeping the filters."""
        args = request.args.to_dict()
        args["page"] = str(number)
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def paginate(session, query, per_page: int) -> Page:
    number = page_arg()
    rows = list(session.scalars(query.limit(per_page + 1).offset((number - 1) * per_page)))
    return Page(items=rows[:per_page], number=number, has_previous=number > 1, has_next=len(rows) > per_page)
