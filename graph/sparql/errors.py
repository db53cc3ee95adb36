"""The errors of the query layer, in one module that imports nothing else of it (so the gate,
the worker, the engines and the facade can all raise them without importing each other)."""

from __future__ import annotations

from graph.core.errors import IKZError


class QueryRefused(IKZError):
    """The query uses something IKZ-Graph does not run (SERVICE, FROM, updates, deep nesting)."""


class QuerySyntaxError(IKZError):
    """The SPARQL does not parse."""


class QueryTimeout(IKZError):
    """The query ran longer than allowed."""

    exit_code = 3


class QueryFailure(IKZError):
    """The query could not be answered (endpoint unreachable, worker crashed)."""

    exit_code = 3


class QuestionError(IKZError):
    """A question file, id or parameter is wrong."""


class ValueNotFound(QuestionError):
    """A value a user typed (a town, a district, a concept, a document) names nothing in the
    graph, or more than one thing. ``suggestions`` holds the did-you-mean labels."""

    def __init__(self, message, *, suggestions: list[str] | None = None, **kwargs):
        self.suggestions = list(suggestions or [])
        super().__init__(message, **kwargs)
