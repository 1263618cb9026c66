"""Documents: one column list drives the HTML table, the Excel sheet and the PDF.

A *register* is a list with one row per person (a roster, a ledger). It is defined once, as a
sequence of `Column`s, and rendered three ways:

    html:  templates/core/_register_table.html   (via `screen_rows`)
    xlsx:  render_xlsx(doc, rows, fileobj)          (XlsxWriter, constant memory, streamed)
    pdf:   render_pdf(doc, rows, fileobj)           (WeasyPrint, A4 landscape, CJK font embedded)

`rows` is any iterable of objects (a queryset's `.iterator(chunk_size=...)` for big lists).
"""

import datetime
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

from django.template.loader import render_to_string

# FORMS.md: every register ends with this sign-off line.
REGISTER_FOOTER = "填表人：　　　　　　联系电话：　　　　　　党支部书记（签字）：　　　　　　日期：　　年　　月　　日"
CJK_FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif'


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: Callable[[Any], Any] | None = None  # None: the row's sequence number (序号)
    width: float = 10  # in characters; the PDF uses the proportions
    sort: str | None = None  # ORM ordering for this column, None if not sortable
    screen: Callable[[Any], Any] | None = None  # on-screen value when it differs (masked ID)
    default: bool = True  # ticked when the user has not chosen
    always: bool = False  # shown whatever the user ticks (序号)

    def export_value(self, obj, seq):
        if self.value is None:
            return seq
        v = self.value(obj)
        return "" if v is None else v

    def screen_value(self, obj, seq):
        if self.screen is not None:
            return self.screen(obj)
        return format_value(self.export_value(obj, seq))


def format_value(v):
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, datetime.date):
        return v.isoformat()
    return "" if v is None else str(v)


def chinese_date(d):
    return f"{d.year}年{d.month}月{d.day}日"


def document_value(v):
    """A value as a printed document shows it: dates as 2026年11月27日 (UI.md)."""
    if isinstance(v, datetime.date):
        return chinese_date(v)
    return format_value(v)


@dataclass
class Register:
    """The frame of a register: title, the unit line above the table, the sign-off below."""

    title: str
    columns: list[Column]
    unit_label: str = "党支部（盖章）："
    unit_name: str = ""
    as_of: datetime.date = field(default_factory=datetime.date.today)
    footer: str = REGISTER_FOOTER

    @property
    def header_line(self):
        return f"{self.unit_label}{self.unit_name}　　截至　{chinese_date(self.as_of)}"


def pick_columns(all_columns, keys):
    """The columns the user ticked, in the register's own order; the default set if none valid."""
    wanted = set(keys or ())
    if not any(c.key in wanted and not c.always for c in all_columns):
        wanted = {c.key for c in all_columns if c.default}
    return [c for c in all_columns if c.always or c.key in wanted]


def screen_rows(columns, objects, start=1):
    """[(obj, [(column, cell), ...])] for the HTML table."""
    return [
        (obj, [(c, c.screen_value(obj, start + i)) for c in columns]) for i, obj in enumerate(objects)
    ]


def _progress_every(progress, n, every=500):
    if progress is not None and n % every == 0:
        progress(n)


def render_xlsx(doc, rows, fileobj, progress=None):
    """Stream `rows` into an .xlsx written to `fileobj`. Returns the number of rows."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(fileobj, {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet(doc.title[:31])
    ncol = len(doc.columns)
    title_fmt = wb.add_format({"bold": True, "font_size": 18, "align": "center", "valign": "vcenter"})
    line_fmt = wb.add_format({"font_size": 11})
    head_fmt = wb.add_format({
        "bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True,
        "bg_color": "#F2F2F2",
    })
    cell_fmt = wb.add_format({"border": 1, "valign": "vcenter"})
    date_fmt = wb.add_format({"border": 1, "valign": "vcenter", "num_format": 'yyyy"年"m"月"d"日"'})

    for i, col in enumerate(doc.columns):
        ws.set_column(i, i, col.width)
    ws.set_row(0, 30)
    if ncol > 1:
        ws.merge_range(0, 0, 0, ncol - 1, doc.title, title_fmt)
    else:
        ws.write_string(0, 0, doc.title, title_fmt)
    ws.write_string(1, 0, doc.header_line, line_fmt)
    ws.set_row(2, 30)
    for i, col in enumerate(doc.columns):
        ws.write_string(2, i, col.header, head_fmt)

    r = 3
    n = 0
    for n, obj in enumerate(rows, start=1):
        for i, col in enumerate(doc.columns):
            v = col.export_value(obj, n)
            if isinstance(v, bool):
                ws.write_string(r, i, "是" if v else "否", cell_fmt)
            elif isinstance(v, datetime.date):
                ws.write_datetime(r, i, datetime.datetime(v.year, v.month, v.day), date_fmt)
            elif isinstance(v, int):
                ws.write_number(r, i, v, cell_fmt)
            else:
                ws.write_string(r, i, str(v), cell_fmt)
        r += 1
        _progress_every(progress, n)
    ws.write_string(r + 1, 0, doc.footer, line_fmt)

    ws.autofilter(2, 0, max(r - 1, 2), ncol - 1)  # the clerk sorts and filters in Excel
    ws.freeze_panes(3, 2 if ncol > 2 else 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    wb.close()
    if progress is not None:
        progress(n)
    return n


# WeasyPrint keeps the whole layout of a document in memory (~0.3 MB a row). Longer registers are
# laid out in chunks of this many rows, each written to disk and let go, then joined with pypdf;
# the page numbers ("第 N 页，共 M 页") are stamped on afterwards, once the total is known.
PDF_CHUNK_ROWS = 500


def _pdf_html(doc, cols, rows, *, first, last, page_numbers):
    return render_to_string("core/register_pdf.html", {
        "doc": doc, "cols": cols, "rows": rows, "fonts": CJK_FONTS, "small": len(cols) > 14,
        "first": first, "last": last, "page_numbers": page_numbers,
    })


def render_pdf(doc, rows, fileobj, progress=None):
    """Lay `rows` out as an A4 landscape PDF written to `fileobj`. Returns the number of rows."""
    from weasyprint import HTML  # ~1 s to import: only where a PDF is made

    total_width = sum(c.width for c in doc.columns) or 1
    cols = [(c, round(c.width * 100 / total_width, 3)) for c in doc.columns]

    def chunks():
        chunk, n = [], 0
        for n, obj in enumerate(rows, start=1):
            chunk.append([document_value(c.export_value(obj, n)) for c in doc.columns])
            _progress_every(progress, n)
            if len(chunk) == PDF_CHUNK_ROWS:
                yield chunk, n
                chunk = []
        if chunk or n == 0:
            yield chunk, n

    it = chunks()
    first = next(it)
    second = next(it, None)
    if second is None:  # one chunk: one pass, page numbers from @page
        body, n = first
        HTML(string=_pdf_html(doc, cols, body, first=True, last=True, page_numbers=True)).write_pdf(fileobj)
    else:
        n = _render_pdf_chunks(doc, cols, itertools.chain([first, second], it), fileobj)
    if progress is not None:
        progress(n)
    return n


def _with_last(iterable):
    """(item, is_last) for each item."""
    it = iter(iterable)
    prev = next(it)
    for item in it:
        yield prev, False
        prev = item
    yield prev, True


def _render_pdf_chunks(doc, cols, chunks, fileobj):
    import tempfile

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    writer = PdfWriter()
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        for index, ((body, n), last) in enumerate(_with_last(chunks)):
            path = f"{tmp}/{index}.pdf"
            HTML(string=_pdf_html(doc, cols, body, first=index == 0, last=last, page_numbers=False)).write_pdf(path)
            writer.append(PdfReader(path))
        overlay = PdfReader(_page_number_overlay(len(writer.pages), tmp))
        for page, numbers in zip(writer.pages, overlay.pages, strict=True):
            page.merge_page(numbers)
        writer.write(fileobj)
    return n


def _page_number_overlay(pages, tmp):
    """A PDF of `pages` blank pages carrying only "第 i 页，共 N 页", to stamp on the chunks."""
    from weasyprint import HTML

    path = f"{tmp}/numbers.pdf"
    html = render_to_string("core/page_numbers_pdf.html", {"pages": range(pages), "fonts": CJK_FONTS})
    HTML(string=html).write_pdf(path)
    return path
