"""Questionnaire packs: YAML format, validation, and the typed view campaigns use."""

from .checks import PackIssue
from .loader import LoadedPack, PackError, load_pack, load_pack_files
from .model import Area, Group, Option, Pack, Question, Scale, UnitType

__all__ = [
    "Area",
    "Group",
    "LoadedPack",
    "Option",
    "Pack",
    "PackError",
    "PackIssue",
    "Question",
    "Scale",
    "UnitType",
    "load_pack",
    "load_pack_files",
]
