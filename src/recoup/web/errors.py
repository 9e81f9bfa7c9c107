"""The web app's errors: each class carries its HTTP status; the one mapping to responses.

A page gets an error page (or, for :class:`LoginRequired`, a redirect to the login form); an
``/api/...`` call gets the API's one error shape, ``{"error": message}`` (with ``"problems"``, a
list, when a request failed validation), whatever went wrong: our errors, an unknown route (404),
a wrong method (405), a crash (500, saying nothing of its cause; the server log has it). The
500 answer is made outside the middleware, so it carries the security headers itself.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from recoup.web.security import SECURITY_HEADERS

__all__ = [
    "BadRequest",
    "CsrfRejected",
    "Forbidden",
    "LoginRequired",
    "NotFound",
    "TooLarge",
    "TooManyAttempts",
    "WebError",
    "install_error_handlers",
    "is_api",
]


class WebError(Exception):
    status = 500
    title = "Something went wrong"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(WebError):
    status = 400
    title = "That did not work"


class LoginRequired(WebError):
    status = 401
    title = "Please sign in"


class Forbidden(WebError):
    status = 403
    title = "Not allowed"


class CsrfRejected(Forbidden):
    title = "The form expired"


class NotFound(WebError):
    status = 404
    title = "Not found"


class TooLarge(WebError):
    status = 413
    title = "Upload too large"


class TooManyAttempts(WebError):
    status = 429
    title = "Too many attempts"


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _page(request: Request, status: int, title: str, message: str) -> Response:
    templates: Jinja2Templates = request.app.state.recoup.templates
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "message": message}, status_code=status
    )


async def _web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    if is_api(request):
        return JSONResponse({"error": exc.message}, status_code=exc.status)
    if isinstance(exc, LoginRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    return _page(request, exc.status, exc.title, exc.message)


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        f"{'.'.join(str(p) for p in err.get('loc', ())[1:]) or 'request'}: {err.get('msg')}"
        for err in exc.errors()
    ]
    if is_api(request):
        return JSONResponse({"error": "invalid request", "problems": problems}, status_code=422)
    return _page(request, 422, "Please check the form", "; ".join(problems))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = {404: "no such page or API call", 405: "that method is not allowed here"}.get(
        exc.status_code, str(exc.detail)
    )
    headers = dict(exc.headers or {})
    if is_api(request):
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=headers)
    return _page(
        request, exc.status_code, "Not found" if exc.status_code == 404 else "Sorry", message
    )


async def _crash(request: Request, exc: Exception) -> Response:
    message = "something went wrong on the server; the server log says more"
    headers = {**dict(SECURITY_HEADERS), "cache-control": "no-store"}
    if is_api(request):
        return JSONResponse({"error": message}, status_code=500, headers=headers)
    body = f'<!doctype html><title>recoup</title><p>{message}</p><p><a href="/">Back</a></p>'
    return Response(body, status_code=500, media_type="text/html", headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(WebError, _web_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _crash)
