"""The words printed on leaflets and posters, as read from outreach.yaml.

Every sentence a citizen reads on paper lives in that file so that officials can correct it without a
programmer. Some sentences carry placeholders in braces ("{count} bản"); each field declares the
placeholders it accepts, so a misspelt or missing one is a validation error with its line, not a
leaflet printed with "{cuont}" on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bot.domain.catalogue import DocumentKind

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _placeholders(*names: str) -> Callable[[str], str]:
    """A validator: the text uses every one of `names` and no other placeholder."""
    allowed = set(names)

    def check(value: str) -> str:
        rest = _PLACEHOLDER.sub("", value)
        if "{" in rest or "}" in rest:
            raise ValueError("has an unmatched brace: placeholders are written {name}")
        used = set(_PLACEHOLDER.findall(value))
        unknown = sorted(used - allowed)
        if unknown:
            known = ", ".join("{" + n + "}" for n in sorted(allowed)) or "none"
            raise ValueError(f"unknown placeholder {{{unknown[0]}}} (allowed here: {known})")
        missing = sorted(allowed - used)
        if missing:
            raise ValueError(f"must contain the placeholder {{{missing[0]}}}")
        return value

    return check


# A text without placeholders, then texts that must contain exactly the named placeholder.
Text = Annotated[str, Field(min_length=1), AfterValidator(_placeholders())]
CodeText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("code"))]
CountText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("count"))]
DateText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("date"))]
FormText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("form"))]
HotlineText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("hotline"))]
OfficerText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("officer"))]
ShortNameText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("short_name"))]
SourceText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("source"))]
SettingsText = Annotated[str, Field(min_length=1), AfterValidator(_placeholders("settings"))]


def fill(text: str, **values: str) -> str:
    """Put values into a validated text's placeholders (plain replacement: values are never parsed)."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Level(_Strict):
    label: Text  # today's term, printed as a badge: "Toàn trình"
    text: Text  # what it means for the citizen, in one sentence


class Levels(_Strict):
    level_4: Level
    level_3: Level
    level_2: Level

    def of(self, level: int) -> Level:
        return {4: self.level_4, 3: self.level_3, 2: self.level_2}[level]


class Kinds(_Strict):
    """A label for every DocumentKind; the field names are the kind values, so none can be forgotten."""

    original: Text
    copy_: Text = Field(alias="copy")  # `copy` would shadow BaseModel.copy
    certified_copy: Text
    original_or_copy: Text
    show_original: Text
    electronic: Text
    form: Text

    def of(self, kind: DocumentKind) -> str:
        label: str = getattr(self, "copy_" if kind is DocumentKind.COPY else kind.value)
        return label


class Channels(_Strict):
    web: Text
    telegram: Text
    zalo: Text
    messenger: Text
    zalo_hint: ShortNameText  # Zalo OA links carry no payload


class Leaflet(_Strict):
    kicker: Text
    code: CodeText
    for_whom: Text
    level: Text
    documents: Text
    documents_hint: Text
    count: CountText
    form: FormText
    optional: Text
    fee: Text
    time: Text
    online: Text
    vneid: Text
    where: Text
    in_person: Text
    contact: Text
    hotline: HotlineText
    officer: OfficerText
    scan: Text
    scan_hint: Text
    short_url: Text
    no_codes: SettingsText  # printed instead of the codes when no link can work on a phone
    unverified_mark: Annotated[str, Field(min_length=1, max_length=3)]  # printed beside unchecked facts
    unverified: Text  # explains that mark
    verified: DateText
    verifying: Text
    source: SourceText


class Poster(_Strict):
    kicker: Text
    title: Text  # the default title; `motcua poster --title` replaces it
    subtitle: Text
    fee: Text
    time: Text
    scan_procedure: Text
    scan_bot: Text
    scan_bot_hint: Text
    other_channels: Text


class NotFound(_Strict):
    title: Text
    text: Text
    home: Text


class OutreachTexts(_Strict):
    """The whole of outreach.yaml."""

    leaflet: Leaflet
    levels: Levels
    kinds: Kinds
    channels: Channels
    poster: Poster
    not_found: NotFound
