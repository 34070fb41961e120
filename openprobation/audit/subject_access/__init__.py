from .collect import Section, SubjectData, Withheld, collect
from .export import REFERENCE_MAX_LENGTH, Export, build_zip, export_subject_access, render_pdf, render_summary

__all__ = [
    "REFERENCE_MAX_LENGTH",
    "Export",
    "Section",
    "SubjectData",
    "Withheld",
    "build_zip",
    "collect",
    "export_subject_access",
    "render_pdf",
    "render_summary",
]
