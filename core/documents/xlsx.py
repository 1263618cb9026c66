"""Excel: registers streamed with XlsxWriter in constant memory; grids with merged headers."""

import datetime
from decimal import Decimal

from .grid import Grid, place


def _progress_every(progress, n, every=500):
    if progress is not None and n % every == 0:
        progress(n)


def _formats(wb):
    return {
        "title": wb.add_format({"bold": True, "font_size": 18, "align": "center", "valign": "vcenter"}),
        "line": wb.add_format({"font_size": 11}),
        "filters": wb.add_format({"font_size": 10, "align": "center"}),
        "head": wb.add_format({
            "bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True,
            "bg_color": "#F2F2F2",
        }),
        "cell": wb.add_format({"border": 1, "valign": "vcenter"}),
        "number": wb.add_format({"border": 1, "valign": "vcenter", "align": "right"}),
        "date": wb.add_format({"border": 1, "valign": "vcenter", "num_format": 'yyyy"年"m"月"d"日"'}),
        "money": wb.add_format({"border": 1, "valign": "vcenter", "num_format": "0.00"}),
    }


def _frame_top(ws, doc, ncol, fmt):
    """Title (merged over the table), the filters under it, the unit line. Returns the next row."""
    ws.set_row(0, 30)
    if ncol > 1:
        ws.merge_range(0, 0, 0, ncol - 1, doc.title, fmt["title"])
    else:
        ws.write_string(0, 0, doc.title, fmt["title"])
    r = 1
    if doc.filter_line:
        if ncol > 1:
            ws.merge_range(r, 0, r, ncol - 1, doc.filter_line, fmt["filters"])
        else:
            ws.write_string(r, 0, doc.filter_line, fmt["filters"])
        r += 1
    ws.write_string(r, 0, doc.header_line, fmt["line"])
    return r + 1


def _page_setup(ws, repeat_from, repeat_to):
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(repeat_from, repeat_to)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")


def render_xlsx(doc, rows, fileobj, progress=None):
    """Write `doc` as an .xlsx to `fileobj`. Returns the number of rows."""
    import xlsxwriter

    # Constant memory streams a register row by row; a grid is small and merges cells across rows.
    wb = xlsxwriter.Workbook(fileobj, {"constant_memory": not isinstance(doc, Grid), "strings_to_numbers": False})
    ws = wb.add_worksheet(doc.title[:31])
    fmt = _formats(wb)
    if isinstance(doc, Grid):
        n = _grid(ws, doc, fmt)
        rows_written = len(doc.rows)
    else:
        n = rows_written = _register(ws, doc, rows, fmt, progress)
    wb.close()
    if progress is not None:
        progress(n)
    return rows_written


def _register(ws, doc, rows, fmt, progress):
    ncol = len(doc.columns)
    for i, col in enumerate(doc.columns):
        ws.set_column(i, i, col.width)
    head = _frame_top(ws, doc, ncol, fmt)
    ws.set_row(head, 30)
    for i, col in enumerate(doc.columns):
        ws.write_string(head, i, col.header, fmt["head"])

    r = head + 1
    n = 0
    for n, obj in enumerate(rows, start=1):
        for i, col in enumerate(doc.columns):
            v = col.export_value(obj, n)
            if isinstance(v, bool):
                ws.write_string(r, i, "是" if v else "否", fmt["cell"])
            elif isinstance(v, datetime.date):
                ws.write_datetime(r, i, datetime.datetime(v.year, v.month, v.day), fmt["date"])
            elif isinstance(v, int):
                ws.write_number(r, i, v, fmt["cell"])
            elif isinstance(v, Decimal):  # money (元): a number the clerk can sum, shown with its 分
                ws.write_number(r, i, v, fmt["money"])
            else:
                ws.write_string(r, i, str(v), fmt["cell"])
        r += 1
        _progress_every(progress, n)
    ws.write_string(r + 1, 0, doc.footer, fmt["line"])

    ws.autofilter(head, 0, max(r - 1, head), ncol - 1)  # the clerk sorts and filters in Excel
    ws.freeze_panes(head + 1, 2 if ncol > 2 else 0)
    _page_setup(ws, head, head)
    return n


def _grid(ws, grid, fmt):
    """The grid: header cells merged as declared, row headers merged by group, numbers as numbers."""
    stub = grid.stub_width
    ncol = stub + len(grid.leaves)
    ws.set_column(0, stub - 1, 8)
    if grid.has_groups:
        ws.set_column(0, 0, 10)
        ws.set_column(1, 1, 16)
    else:
        ws.set_column(0, 0, 20)
    if grid.has_codes:
        ws.set_column(stub - 1, stub - 1, 6)
    ws.set_column(stub, ncol - 1, 11)
    top = _frame_top(ws, grid, ncol, fmt)

    header = grid.header_rows()
    body = grid.body_rows()
    stubs = [s for s, _ in body]
    for r, c, rs, cs, label in place(header):
        _cell(ws, top + r, c, rs, cs, label, fmt["head"])
    first = top + len(header)
    for r, c, rs, cs, label in place(stubs):
        _cell(ws, first + r, c, rs, cs, label, fmt["head"])
    for i, (_, values) in enumerate(body):
        ws.set_row(first + i, 20)
        for j, v in enumerate(values):
            ws.write_number(first + i, stub + j, v, fmt["number"])
    end = first + len(body)
    ws.write_string(end + 1, 0, grid.footer, fmt["line"])
    ws.freeze_panes(first, stub)
    _page_setup(ws, top, first - 1)
    return len(body)


def _cell(ws, r, c, rowspan, colspan, label, cell_format):
    if rowspan > 1 or colspan > 1:
        ws.merge_range(r, c, r + rowspan - 1, c + colspan - 1, label, cell_format)
    else:
        ws.write_string(r, c, str(label), cell_format)
