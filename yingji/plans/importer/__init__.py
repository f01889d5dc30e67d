"""Draft a plan from a township's own plan document (.txt or .docx), DESIGN.md §2.

The pipeline, one module per step:

- :mod:`.reading` — bytes to lines: encoding detected (UTF-8, GB18030/GBK,
  UTF-16 with or without BOM), .docx paragraphs with their automatic
  numbering and tables; page furniture set aside (and listed);
- :mod:`.headings` — the heading tree, for 一、（一）1.（1） and 1 / 1.1 / （1）;
- :mod:`.timelimits` — every time limit ("15分钟内", "两个小时", "立即", …)
  with its sentence, section and the events it runs between;
- :mod:`.extract` — title, governing documents, categories, roles, checklists;
- :mod:`.draft` — the draft :class:`~yingji.plans.schema.Plan` with one
  reviewable item per extracted value, its confidence note, and what was taken
  from the default plan because the document cannot state it.

Entry point: :func:`import_document`.
"""

from .draft import Draft, DraftItem, build_draft, import_document
from .reading import ImportRefused

__all__ = ["Draft", "DraftItem", "ImportRefused", "build_draft", "import_document"]
