"""Reading a roster file: .xlsx (xlsx.py, one row at a time) or .xls (xlrd), the header
row found by its names below any title rows or merged cells, the data rows after it.

    sheet = open_sheet(path)              # FileRefused (a Chinese message) when it cannot be read
    sheet.columns -> {column index: Column}; sheet.rows() -> (row number, [cell values]) …
"""

from dataclasses import dataclass, field

from .columns import match_header

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000
HEADER_SEARCH_ROWS = 30  # title rows, notes and merged cells above the header


class FileRefused(Exception):
    """The file cannot be imported at all; the message says why, in Chinese."""


XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def kind_of(head):
    """'xlsx', 'xls' or None, from the file's first bytes (never from its name)."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    return None


def check_upload(upload):
    """Refuse, before anything is stored, what is not a spreadsheet or is too large."""
    if upload.size > MAX_BYTES:
        raise FileRefused(f"文件太大（{upload.size / 1024 / 1024:.1f} MB），导入的文件不能超过"
                          f" {MAX_BYTES // 1024 // 1024} MB；请分成几个文件分别导入。")
    if upload.size == 0:
        raise FileRefused("文件是空的，请选择党员名册的 Excel 文件。")
    head = upload.read(8)
    upload.seek(0)
    if kind_of(head) is None:
        raise FileRefused("这个文件不是 Excel 表格（.xlsx 或 .xls），请在 Excel 中“另存为”Excel 工作簿后再导入。")


@dataclass
class Sheet:
    title: str
    header_row: int  # 1-based, as Excel numbers rows
    columns: dict  # {0-based column index: Column}
    headers: dict  # {0-based column index: the header as written}
    unknown: list = field(default_factory=list)  # headers not recognized (ignored)
    header_cells: list = field(default_factory=list)  # the header row as written (for the error workbook)
    _rows: object = None
    _close: object = None

    def rows(self):
        """(row number, [values]) for each non-empty row below the header, up to MAX_ROWS."""
        n = 0
        for number, cells in self._rows:
            if number <= self.header_row:
                continue
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            n += 1
            if n > MAX_ROWS:
                raise FileRefused(f"文件超过 {MAX_ROWS} 行，请分成几个文件分别导入。")
            yield number, cells

    def close(self):
        if self._close:
            self._close()


def open_sheet(path):
    with open(path, "rb") as fh:
        kind = kind_of(fh.read(8))
    if kind is None:
        raise FileRefused("这个文件不是 Excel 表格（.xlsx 或 .xls）。")
    has_data, closer = False, None
    try:
        for title, make_rows, close in (_xlsx_sheets(path) if kind == "xlsx" else _xls_sheets(path)):
            closer = close  # one file for all the sheets: closed when none has a header
            sheet, empty = _find_header(title, make_rows, close)
            if sheet is not None:
                return sheet
            has_data = has_data or not empty
    except FileRefused:
        raise
    except Exception as exc:  # a damaged file, a zip that is not a workbook …
        raise FileRefused("无法读取这个 Excel 文件（文件可能已损坏，或不是 Excel 工作簿），请在 Excel 中打开后另存再导入。") \
            from exc
    if closer is not None:
        closer()
    if not has_data:
        raise FileRefused("工作表是空的，没有可导入的党员。")
    raise FileRefused(
        "没有找到表头：工作表中应有一行列名，至少包括“姓名”和“公民身份号码”（或“身份证号码”）。"
        "请使用本系统的导入模板，或从全国党员管理信息系统导出的名册。"
    )


def _find_header(title, make_rows, close):
    """(Sheet, False) for the first row, among the first HEADER_SEARCH_ROWS, naming both 姓名 and
    公民身份号码 (a second header row below it, sub-headers under a merged group header, is read as
    well); else (None, whether the sheet was empty)."""
    rows = make_rows()
    empty = True
    for number, cells in rows:
        empty = empty and all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)
        columns, headers, unknown = _header_columns(cells)
        if {"name", "id_number"} <= {c.key for c in columns.values()}:
            header_row = number
            header_cells = ["" if c is None else str(c).strip() for c in cells]
            nxt = next(rows, None)
            if nxt is not None:
                more, more_headers, _ = _header_columns(nxt[1])
                if more and all(i not in columns for i in more):  # sub-headers
                    columns.update(more)
                    headers.update(more_headers)
                    header_row = nxt[0]
                    unknown = [u for u in unknown if u not in more_headers.values()]
                    for i, text in more_headers.items():
                        header_cells += [""] * (i + 1 - len(header_cells))
                        header_cells[i] = text
                    nxt = None
            rest = rows if nxt is None else _chain([nxt], rows)
            return Sheet(title, header_row, columns, headers, unknown, header_cells, rest, close), False
        if number >= HEADER_SEARCH_ROWS:
            break
    return None, empty


def _chain(first, rest):
    yield from first
    yield from rest


def _header_columns(cells):
    columns, headers, unknown = {}, {}, []
    taken = set()
    for i, cell in enumerate(cells):
        if not isinstance(cell, str) or not cell.strip():
            continue
        column = match_header(cell)
        if column is None:
            unknown.append(cell.strip())
        elif column and column.key not in taken:
            columns[i] = column
            headers[i] = cell.strip()
            taken.add(column.key)
    return columns, headers, unknown


def _xlsx_sheets(path):
    from . import xlsx

    yield from xlsx.sheets(path)


def _xls_sheets(path):
    import xlrd

    book = xlrd.open_workbook(path, on_demand=True)
    for index in range(book.nsheets):
        ws = book.sheet_by_index(index)
        if getattr(ws, "visibility", 0):
            continue

        def rows(ws=ws):
            for r in range(ws.nrows):
                yield r + 1, [_xls_value(cell, book.datemode) for cell in ws.row(r)]

        yield ws.name, rows, book.release_resources
    book.release_resources()


def _xls_value(cell, datemode):
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError):
            return cell.value
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return None
    return cell.value

