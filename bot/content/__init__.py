"""The content layer: YAML sources, loaders, checks and the published revisions."""

from bot.content.content_set import FLOWS, Files, is_content_path, normalise_text, procedure_path, sha_of
from bot.content.disk import folder_files, settings_files, write_folder
from bot.content.flows_file import load_flows
from bot.content.loading import load_model, read_document, validate_model
from bot.content.manager import INITIAL_COMMENT, ContentManager
from bot.content.model import Content, load_content
from bot.content.outreach_file import load_outreach
from bot.content.published import published_content
from bot.content.revisions import PublishConflict, Revisions, UnknownRevision
from bot.content.validate import validate_path
from bot.content.yamlsource import MAX_FILE_BYTES, YamlDocument, YamlError, parse_yaml

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
    "read_document",
    "settings_files",
    "sha_of",
    "validate_model",
    "validate_path",
    "write_folder",
]
