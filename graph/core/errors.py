"""One small exception hierarchy: every error says what, where and how to fix it.

``what`` and ``fix`` are catalogue messages (:class:`graph.core.i18n.Message`), so the same
error reads German by default and English under ``--lang en``; a plain string is accepted for
texts that are data (a parser's own words, a path).
"""

from __future__ import annotations

from graph.core.i18n import Message, render, t


class IKZError(Exception):
    """Base class of all errors IKZ-Graph reports to its users.

    ``str(error)`` is the complete message: what is wrong, where (file:line or the IRI) and
    how to fix it. The CLI prints it without a traceback and exits with ``exit_code``.
    """

    exit_code = 2  # a user error: the input must change

    def __init__(self, message: Message | str, *, where: str | None = None, fix: Message | str | None = None):
        self.message = message
        self.where = where
        self.fix_message = fix
        super().__init__(message)

    @property
    def what(self) -> str:
        """What is wrong, in the language in force."""
        return render(self.message)

    @property
    def fix(self) -> str | None:
        """How to fix it, in the language in force (None when there is nothing to say)."""
        return render(self.fix_message) if self.fix_message is not None else None

    def format(self, lang: str | None = None) -> str:
        """The complete message in ``lang`` (default: the language in force)."""
        what = render(self.message, lang)
        text = f"{self.where}: {what}" if self.where else what
        if self.fix_message is not None:
            text += f"\n  {t('core.error.fix', lang)}: {render(self.fix_message, lang)}"
        return text

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self):  # errors cross the query worker's pipe whole (where and fix included)
        return _rebuild, (type(self), self.message, dict(self.__dict__))


def _rebuild(cls, message, state):
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


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
