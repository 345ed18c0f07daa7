"""An edit transaction on a model: apply what can be applied, report the rest.

The app's sidebar and cell table, and any front end, send a list of edits;
one bad formula must not lose the user's other inputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .errors import DealValueError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

__all__ = ["apply_edits", "Edit"]

#: ``(name, fields)``: fields replace or add the cell; ``None`` removes it.
Edit = tuple[str, "Mapping[str, Any] | Iterable[tuple[str, Any]] | None"]


def apply_edits(model: "Model", edits: Iterable[Edit]) -> tuple["Model", dict[str, str]]:
    """A copy with every valid edit applied, and why each other edit was refused.

    Parameters
    ----------
    model
        The model to start from (not changed).
    edits
        ``(name, fields)`` pairs: ``fields`` (a mapping or pairs of
        :meth:`dealvalue.Model.add` keywords such as ``formula`` or ``unit``) replaces
        cell ``name`` if it exists and adds it otherwise; ``None``
        removes it.

    Returns
    -------
    (Model, dict)
        The edited copy (``model`` is left as it was) and, by cell name,
        the engine's message for each edit that could not be applied.
        Edits are tried in passes, so a new cell may name another new cell
        listed after it; an edit that still fails when no more progress is
        possible is left out, and the rest of the model keeps working.

    Examples
    --------
    >>> import dealvalue as dv
    >>> m = dv.Model(); m.add("a", "1")
    >>> m2, refused = apply_edits(m, [("b", {"formula": "a + c"}), ("c", {"formula": "2"}), ("d", {"formula": "1 +"})])
    >>> m2.evaluate("b"), sorted(refused), "a" in m and "b" not in m
    (3.0, ['d'], True)
    """
    m = model.copy()
    pending = [(name, None if fields is None else dict(fields)) for name, fields in edits]
    errors: dict[str, str] = {}
    while pending:
        errors = {}
        left: list[tuple[str, dict[str, Any] | None]] = []
        for name, fields in pending:
            try:
                if fields is None:
                    m.remove(name)
                elif name in m:
                    m.replace(name, **fields)
                else:
                    m.add(name, **fields)
            except DealValueError as exc:
                errors[name] = str(exc)
                left.append((name, fields))
        if len(left) == len(pending):
            break
        pending = left
    return m, errors
