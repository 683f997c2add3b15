"""Shortcuts over Jinja's internals: UI strings readable as attributes, plain calls without
Jinja's `pass_context` checks. Only output/render.py applies them (see speedups.enabled)."""

from __future__ import annotations

import types
from typing import Any, Mapping

import jinja2


def quicken(env: jinja2.Environment) -> None:
    """Apply the shortcuts to `env`, whose globals are already set."""
    strings = env.globals.get("t")
    if isinstance(strings, dict):
        env.globals["t"] = _Strings(strings)
    env.context_class = _Context


class _Strings(dict):
    """The UI strings, also as attributes: Jinja reads `t.name` as an attribute first, and
    a failed attribute lookup (an exception) for each of a page's forty strings costs more
    than the rest of reading them. Names of dict methods stay methods, as in a plain dict."""

    def __init__(self, strings: Mapping[str, Any]):
        super().__init__(strings)
        self.__dict__.update((k, v) for k, v in strings.items() if isinstance(k, str) and not hasattr(dict, k))


class _Context(jinja2.runtime.Context):
    """Jinja's context with a shorter way to call plain functions, methods and macros.

    Jinja checks every call for functions marked to receive the context (`pass_context`);
    the templates call ordinary methods (`urls.brief(...)`, `str.format`) and macros some
    ninety times per page, none of them marked, so those calls skip the checks. Anything
    else takes Jinja's own way.
    """

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        kind = type(__obj)
        if kind is _BUILTIN or kind is jinja2.runtime.Macro or (kind is _METHOD and not hasattr(__obj, "jinja_pass_arg")):
            kwargs.pop("_block_vars", None)  # loop and block variables: only for pass_context
            kwargs.pop("_loop_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:  # as Jinja: an undefined value, an error once used
                return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


_BUILTIN = types.BuiltinFunctionType  # also bound methods of built-in types, e.g. str.format
_METHOD = types.MethodType


_BUILTIN = types.BuiltinFunctionType  # also bound methods of built-in types, e.g. str.format
_METHOD = types.MethodType
