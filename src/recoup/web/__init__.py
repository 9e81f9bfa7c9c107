"""The web app: FastAPI over the same library the CLI uses (``recoup serve``).

Thin by design: routes parse a request, call one library function (the store, the benefit
counters, the code explanations, the letters) and render its answer as a page or as JSON.

    >>> from recoup.web import create_app
    >>> app = create_app(store, multi_user=False)  # doctest: +SKIP
"""

from recoup.web.app import create_app

__all__ = ["create_app"]
