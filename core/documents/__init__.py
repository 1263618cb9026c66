"""Documents: one definition drives the HTML table, the Excel sheet and the PDF.

Two shapes:
  a *register* (register.py): one row per person (a roster, a ledger), a list of `Column`s;
  a *grid* (grid.py): a statistical table (附件3, 附件4) with merged headers and sum invariants.

    html:  templates/core/_grid_table.html (grids), screen_rows (registers)
    xlsx:  render_xlsx(doc, rows, fileobj)     (XlsxWriter; registers streamed in constant memory)
    pdf:   render_pdf(doc, rows, fileobj)      (WeasyPrint, CJK font embedded once; pdf.py, fit.py)

and a *form* (form.py): one record in a fixed layout, render_form_pdf(template, context, fileobj).

`rows` is any iterable of objects for a register (a queryset's `.iterator(chunk_size=...)` for big
lists); a grid carries its own values and ignores it. Who seals and who signs: labels.py.
"""

from .form import render_form_pdf
from .grid import Cell, Grid, GridError, GridRow, Head, SumOfColumns, SumOfRows, col, group
from .labels import Signatory, filter_line, signatory
from .pdf import render_pdf
from .register import (
    REGISTER_FOOTER,
    Column,
    Register,
    load_rows,
    pick_columns,
    row_fields,
    rows_of,
    screen_rows,
)
from .values import CJK_FONTS, chinese_date, document_value, format_value
from .xlsx import render_xlsx

__all__ = [
    "CJK_FONTS", "REGISTER_FOOTER", "Cell", "Column", "Grid", "GridError", "GridRow", "Head", "Register",
    "Signatory", "SumOfColumns", "SumOfRows", "chinese_date", "col", "document_value", "filter_line",
    "format_value", "group", "load_rows", "pick_columns", "render_form_pdf", "render_pdf", "render_xlsx",
    "row_fields", "rows_of", "screen_rows", "signatory",
]
