"""The content layer: YAML sources, loaders, checks and the published revisions.

The revisions, the worker's content manager and the published-content readers need the database layer
(SQLAlchemy's ORM and asyncio extension, Alembic): half a second of start-up that `motcua search` or
`motcua validate` do not use. So their names are imported on first use (PEP 562); type checkers and
import-linter see them through the TYPE_CHECKING imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.content.content_set import FLOWS, Files, is_content_path, normalise_text, procedure_path, sha_of
from bot.content.disk import folder_files, settings_files, write_folder
from bot.content.flows_file import load_flows
from bot.content.loading import load_model, read_document, validate_model
from bot.content.model import Content, load_content
from bot.content.outreach_file import load_outreach
from bot.content.validate import validate_path
from bot.content.yamlsource import MAX_FILE_BYTES, YamlDocument, YamlError, parse_yaml

if TYPE_CHECKING:
    from bot.content.manager import INITIAL_COMMENT, ContentManager
    from bot.content.published import published_content, published_index
    from bot.content.revisions import PublishConflict, Revisions, UnknownRevision

_LAZY = {
    "INITIAL_COMMENT": "bot.content.manager",
    "ContentManager": "bot.content.manager",
    "published_content": "bot.content.published",
    "published_index": "bot.content.published",
    "PublishConflict": "bot.content.revisions",
    "Revisions": "bot.content.revisions",
    "UnknownRevision": "bot.content.revisions",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next use is an ordinary attribute
    return value


__all__ = [
    "FLOWS",
    "INITIAL_COMMENT",
    "MAX_FILE_BYTES",
    "Content",
    "ContentManager",
    "Files",
    "PublishConflict",
    "Revisions",
    "UnknownRevision",
    "YamlDocument",
    "YamlError",
    "folder_files",
    "is_content_path",
    "load_content",
    "load_flows",
    "load_model",
    "load_outreach",
    "normalise_text",
    "parse_yaml",
    "procedure_path",
    "published_content",
    "published_index",
    "read_document",
    "settings_files",
    "sha_of",
    "validate_model",
    "validate_path",
    "write_folder",
]
