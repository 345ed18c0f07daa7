"""The page's state in the URL's query parameters, so a link reproduces the page.

Parameters (``st.query_params``):

``m``   a shipped model (``deal``) or scenario (``scenarios/labour_trust_fund``), or
``mt``  the model file's text (an upload, a configured model), zlib-compressed and base64url-encoded;
``i``   the edited inputs, ``{cell: formula}`` as JSON, compressed the same way;
``c``   the configuration's name (what the page was configured as; the model text carries its effect);
``n``   the sample count; ``s`` the seed;
``v``   the dealvalue version and ``h`` the model's hash (first 12 hex digits of the SHA-256 of its
        text), so a link opened on another version or on a changed model says so.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Mapping
from typing import Any

import dealvalue as dv
from dealvalue import models

__all__ = ["pack", "unpack", "model_hash", "shipped_name", "state_params", "read_params"]


def pack(text: str) -> str:
    """Text as a short URL-safe string (zlib, then base64url without padding)."""
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii").rstrip("=")


def unpack(packed: str) -> str:
    """The text :func:`pack` packed (raises ValueError on a damaged string)."""
    try:
        raw = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
        return zlib.decompress(raw).decode("utf-8")
    except (ValueError, zlib.error, UnicodeDecodeError) as exc:
        raise ValueError(f"the link's model or inputs cannot be read ({exc})") from exc


def model_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def shipped_name(text: str) -> str | None:
    """The shipped model or scenario whose file is ``text`` (None for any other text)."""
    for name in models.names():
        if models.text(name) == text:
            return name
    for name in models.scenario_names():
        if models.scenario_path(name).read_text(encoding="utf-8") == text:
            return f"scenarios/{name}"
    return None


def shipped_text(name: str) -> str:
    if name.startswith("scenarios/"):
        return models.scenario_path(name.removeprefix("scenarios/")).read_text(encoding="utf-8")
    return models.text(name)


def state_params(base: str, inputs: Mapping[str, str], config: str | None, n: int, seed: int) -> dict[str, str]:
    """The query parameters of a page state."""
    name = shipped_name(base)
    out: dict[str, str] = {"m": name} if name is not None else {"mt": pack(base)}
    if inputs:
        out["i"] = pack(json.dumps(dict(inputs), sort_keys=True, separators=(",", ":")))
    if config:
        out["c"] = config
    out.update({"n": str(int(n)), "s": str(int(seed)), "v": dv.__version__, "h": model_hash(base)})
    return out


def read_params(params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The page state in query parameters, and what to say about it (another version,
    a changed model, a damaged link).  Returns ({} , notes) when there is no state in them.
    The state: ``base`` (model text), ``label``, ``inputs`` ({cell: formula}), ``config``, ``n``, ``seed``."""
    notes: list[str] = []
    if "m" not in params and "mt" not in params:
        return {}, notes
    state: dict[str, Any] = {}
    try:
        if "m" in params:
            name = str(params["m"])
            state["base"], state["label"] = shipped_text(name), f"{name}.toml (shipped, from the link)"
        else:
            state["base"], state["label"] = unpack(str(params["mt"])), "the model in the link"
        state["inputs"] = json.loads(unpack(str(params["i"]))) if "i" in params else {}
        if not isinstance(state["inputs"], dict):
            raise ValueError("the link's inputs are not a table of cells")
    except (ValueError, KeyError, OSError) as exc:
        return {}, [f"This link could not be opened: {exc}. Showing the default model."]
    state["config"] = str(params["c"]) if "c" in params else None
    for key, field in (("n", "n"), ("s", "seed")):
        try:
            state[field] = int(str(params[key]))
        except (KeyError, ValueError):
            pass
    v = str(params.get("v", ""))
    if v and v != dv.__version__:
        notes.append(f"This link was made with dealvalue {v}; this is dealvalue {dv.__version__}, so the numbers may differ.")
    h = str(params.get("h", ""))
    if h and h != model_hash(state["base"]):
        notes.append("The model changed since this link was made (its hash differs): the page shows today's model "
                     "with the link's inputs.")
    return state, notes
