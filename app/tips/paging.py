"""The shared pagination (`app.web.pagination`) over the tips' list queries, which take a limit and an offset."""
from collections.abc import Callable

from app.web.pagination import Page
from app.web.params import page_arg


def page_of(fetch: Callable[..., list], per_page: int) -> Page:
    """This request's page of `fetch(limit=…, offset=…)`: one row more than a page tells whether another follows."""
    number = page_arg()
    rows = fetch(limit=per_page + 1, offset=(number - 1) * per_page)
    return Page(items=rows[:per_page], number=number, has_previous=number > 1, has_next=len(rows) > per_page)
