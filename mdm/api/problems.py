"""RFC 9457 problem+json for every error the API can answer with."""

from __future__ import annotations

from flask import Flask, Response, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from mdm.errors import MdmError

PROBLEM_TYPE_BASE = "https://mdm.dev/problems/"
PROBLEM_MIMETYPE = "application/problem+json"


def problem(status: int, title: str, detail: str = "", **extensions) -> Response:
    """A problem+json response; `type` names the problem by its title."""
    slug = title.lower().replace(" ", "-")
    body = {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
        **extensions,
    }
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="mdm"'
    return response


def _handle_mdm_error(error: MdmError) -> Response:
    return problem(error.status, error.title, error.detail, **error.extensions)


def _handle_validation_error(error: ValidationError) -> Response:
    return problem(422, "Unprocessable content", "The request failed validation.",
                   errors=error.messages)


def _handle_http_exception(error: HTTPException) -> Response:
    response = problem(error.code or 500, error.name, error.description or "")
    for header in ("Allow", "Retry-After"):
        if error.get_response().headers.get(header):
            response.headers[header] = error.get_response().headers[header]
    return response


def _handle_unexpected(error: Exception) -> Response:
    # Never a traceback or SQL to the client; the log has them.
    if isinstance(error, HTTPException):
        return _handle_http_exception(error)
    from flask import current_app

    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return _handle_http_exception(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(MdmError, _handle_mdm_error)
    app.register_error_handler(ValidationError, _handle_validation_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
