"""Typed errors. They carry a code and parameters; the UI turns them into translated text."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of every error the user can be told about. `message` is Simplified Chinese."""

    code = "app_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 **params: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.params = params

    def __str__(self) -> str:
        return self.message


class ValidationError(AppError):
    code = "validation"

    def __init__(self, message: str = "", *, errors: dict[str, str] | None = None,
                 field: str | None = None, **params: Any) -> None:
        self.errors = dict(errors or {})
        if field and message and field not in self.errors:
            self.errors[field] = message
        if not message:
            message = "；".join(self.errors.values())
        super().__init__(message, field=field, **params)


class NotFoundError(AppError):
    code = "not_found"


class InvalidTransition(AppError):
    code = "invalid_transition"


class PermissionDenied(AppError):
    code = "permission_denied"


class ConflictError(AppError):
    code = "conflict"


class AuthError(AppError):
    code = "auth"


class StorageError(AppError):
    """Environment trouble, not a bug: locked, read-only, disk full, corrupt, network share."""

    code = "storage"
