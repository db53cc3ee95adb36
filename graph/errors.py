"""One small exception hierarchy: every error says what, where and how to fix it."""

from __future__ import annotations


class IKZError(Exception):
    """Base class of all errors IKZ-Graph reports to its users.

    ``str(error)`` is the complete message: what is wrong, where (file:line or the IRI) and
    how to fix it. The CLI prints it without a traceback and exits with ``exit_code``.
    """

    exit_code = 2  # a user error: the input must change

    def __init__(self, message: str, *, where: str | None = None, fix: str | None = None):
        self.what = message
        self.where = where
        self.fix = fix
        super().__init__(self._format())

    def _format(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text


class ProjectError(IKZError):
    """The project layout is incomplete (no ontology/, no data/, a missing file)."""


class SourceDataError(IKZError):
    """A data, ontology or reference file cannot be read or says something impossible."""


class QuoteError(SourceDataError):
    """A quote does not occur (exactly once) in the text of its source document."""


class ValidationError(IKZError):
    """The graph does not conform to the SHACL shapes; ``report`` holds the results."""

    def __init__(self, message: str, report=None, **kwargs):
        self.report = report
        super().__init__(message, **kwargs)
