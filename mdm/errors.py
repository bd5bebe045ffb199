"""Errors of the shell. The API maps each to a problem+json status, the CLI to an exit code."""


class MdmError(Exception):
    """Base of the shell's errors; `status` is the HTTP status the API answers with."""

    status = 500
    title = "Internal error"

    def __init__(self, detail: str = "", **extensions):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extensions = extensions


class ConfigurationError(MdmError):
    title = "Configuration error"


class NotFoundError(MdmError):
    status = 404
    title = "Not found"


class UnknownSourceError(NotFoundError):
    title = "Unknown source"


class UnknownEntityTypeError(NotFoundError):
    title = "Unknown entity type"


class AuthenticationError(MdmError):
    status = 401
    title = "Authentication required"


class ForbiddenError(MdmError):
    status = 403
    title = "Forbidden"


class ConflictError(MdmError):
    status = 409
    title = "Conflict"


class BadRequestError(MdmError):
    status = 400
    title = "Bad request"


class PayloadTooLargeError(MdmError):
    status = 413
    title = "Payload too large"


class UnsupportedMediaTypeError(MdmError):
    status = 415
    title = "Unsupported media type"


class StaleVersionError(MdmError):
    """The caller acted on a version of a golden record that is no longer current."""

    status = 412
    title = "Precondition failed"


class PreconditionRequiredError(MdmError):
    """A write came without `If-Match`: without it a lost update cannot be ruled out."""

    status = 428
    title = "Precondition required"


class UnprocessableError(MdmError):
    """The request is well-formed but names something that cannot be (an unknown attribute)."""

    status = 422
    title = "Unprocessable content"
