"""PDF (WeasyPrint) for registers and grids, the CJK font embedded.

A register is read once into a spool file on disk, which gives the whole document's characters
and the widest value of each column before anything is laid out (see fit.py). WeasyPrint keeps the
whole layout of a document in memory (~0.3 MB a row), so a long register is laid out CHUNK_ROWS
rows at a time, each chunk written to disk and let go, then joined with pypdf; the page numbers
("第 N 页，共 M 页") are stamped on afterwards, once the total is known.

One font subset for the whole file: every chunk (and the page-number overlay) starts with a
"carrier" page that draws every character of the document in each weight, so the glyphs enter each
chunk's font in the same order and WeasyPrint writes byte-identical font objects; the carrier pages
are left out when joining, and pypdf then keeps one copy of each identical object.
"""

import pickle
import tempfile

from django.template.loader import render_to_string

from .fit import fit_columns
from .grid import Grid
from .values import CJK_FONTS, document_value, text_width_em

CHUNK_ROWS = 500
START_ANCHOR = "document-start"


def render_pdf(doc, rows, fileobj, progress=None):
    """Write `doc` as a PDF to `fileobj`. Returns the number of rows."""
    if isinstance(doc, Grid):
        return render_grid_pdf(doc, fileobj)
    with tempfile.TemporaryDirectory() as tmp:
        spool = _Spool(doc.columns, f"{tmp}/rows.pickle")
        n = spool.fill(rows, progress)
        fit = fit_columns(doc.columns, spool.widest, doc.min_wrap_em)
        indexes = [doc.columns.index(c) for c in fit.columns]
        ctx = {
            "doc": doc, "fonts": CJK_FONTS, "fit": fit, "note": fit.note,
            "cols": list(zip(fit.columns, fit.widths, strict=True)),
            "nowrap": [i + 1 for i, c in enumerate(fit.columns) if c.nowrap],
        }
        chunks = [[[row[i] for i in indexes] for row in chunk] for chunk in spool.chunks()]
        if len(chunks) <= 1:
            html = _html(ctx, chunks[0] if chunks else [], first=True, last=True, page_numbers=True)
            _weasy(html).write_pdf(fileobj)
        else:
            chars = spool.chars | _frame_chars(doc, fit)
            bold = set(doc.title).union(*(c.header for c in fit.columns))  # h1 and th are bold
            _join_chunks(ctx, chunks, _carrier(chars), _carrier(bold), fit.page, fileobj, tmp)
    if progress is not None:
        progress(n)
    return n


class _Spool:
    """The document's rows as printed strings, pickled to disk chunk by chunk, with the set of
    characters used and the widest value of each column (in em)."""

    def __init__(self, columns, path):
        self.columns = columns
        self.path = path
        self.chars = set()
        self.widest = {c.key: 0.0 for c in columns}
        self.count = 0

    def fill(self, rows, progress):
        n = 0
        with open(self.path, "wb") as fh:
            chunk = []
            for n, obj in enumerate(rows, start=1):
                values = [document_value(c.export_value(obj, n)) for c in self.columns]
                for c, v in zip(self.columns, values, strict=True):
                    self.chars.update(v)
                    w = text_width_em(v)
                    if w > self.widest[c.key]:
                        self.widest[c.key] = w
                chunk.append(values)
                if progress is not None and n % 500 == 0:
                    progress(n)
                if len(chunk) == CHUNK_ROWS:
                    pickle.dump(chunk, fh)
                    self.count += 1
                    chunk = []
            if chunk:
                pickle.dump(chunk, fh)
                self.count += 1
        return n

    def chunks(self):
        """Yields the chunks back, one at a time (a list, so a caller may re-slice them lazily)."""
        return _SpoolReader(self.path, self.count)


class _SpoolReader:
    def __init__(self, path, count):
        self.path, self.count = path, count

    def __len__(self):
        return self.count

    def __iter__(self):
        with open(self.path, "rb") as fh:
            for _ in range(self.count):
                yield pickle.load(fh)


def _frame_chars(doc, fit):
    text = "".join([doc.title, doc.header_line, doc.filter_line, doc.footer, fit.note,
                    *(c.header for c in fit.columns), "第页共，0123456789 "])
    return set(text)


def _weasy(html):
    from weasyprint import HTML  # ~1 s to import: only where a PDF is made

    return HTML(string=html)


def _html(ctx, rows, *, first, last, page_numbers, carrier=""):
    return render_to_string("core/register_pdf.html", {
        **ctx, "rows": rows, "first": first, "last": last, "page_numbers": page_numbers,
        "carrier": carrier, "start": START_ANCHOR,
    })


def _start_page(document):
    """The index of the first page after the carrier pages."""
    return next(i for i, page in enumerate(document.pages) if START_ANCHOR in page.anchors)


def _carrier(chars):
    """The characters as one string; a space leading a paragraph is not drawn: put it inside."""
    others = sorted(set(chars) - {" ", "\n"})
    return "".join(others[:1] + [" "] + others[1:]) if " " in chars else "".join(others)


def _join_chunks(ctx, chunks, carrier, carrier_bold, page, fileobj, tmp):
    from pypdf import PdfReader, PdfWriter

    carrier = {"regular": carrier, "bold": carrier_bold}
    writer = PdfWriter()
    last_index = len(chunks) - 1
    index = 0
    for index, body in enumerate(chunks):
        html = _html(ctx, body, first=index == 0, last=index == last_index, page_numbers=False, carrier=carrier)
        document = _weasy(html).render()
        start = _start_page(document)
        path = f"{tmp}/{index}.pdf"
        document.write_pdf(path)
        del document
        reader = PdfReader(path)
        writer.append(reader, pages=list(range(start, len(reader.pages))))
    path, start = _page_number_overlay(len(writer.pages), page, carrier, tmp)
    overlay = PdfReader(path)
    for page_obj, numbers in zip(writer.pages, overlay.pages[start:], strict=True):
        page_obj.merge_page(numbers)
        page_obj.compress_content_streams()  # merging leaves the page's content uncompressed
    _share_identical_objects(writer)  # the font files first: then one dictionary per file
    _merge_fonts(writer)
    _share_identical_objects(writer)
    writer.write(fileobj)


def _page_number_overlay(pages, page, carrier, tmp):
    """A PDF of blank pages carrying only "第 i 页，共 N 页", to stamp on the chunks, and the index of
    its first numbered page: its carrier pages come first, so that its font is the chunks' font."""
    path = f"{tmp}/numbers.pdf"
    html = render_to_string("core/page_numbers_pdf.html", {
        "pages": range(pages), "fonts": CJK_FONTS, "page": page, "carrier": carrier, "start": START_ANCHOR,
    })
    document = _weasy(html).render()
    start = _start_page(document)
    document.write_pdf(path)
    return path, start


def _merge_fonts(writer):
    """Point every page at one font dictionary per font file. WeasyPrint may describe one subset
    with several dictionaries whose ToUnicode maps and widths each cover the glyphs one part of
    the text drew (and write them in drawing order); with the glyph ids kept (RETAIN_GIDS) the
    union of their maps and widths describes the shared subset exactly."""
    from pypdf.generic import ArrayObject, NameObject, NumberObject

    def file_size(font):
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        stream = next((descriptor[k].get_object() for k in ("/FontFile3", "/FontFile2") if k in descriptor), None)
        return len(stream.get_data()) if stream is not None else 0

    groups = {}  # BaseFont → {id: reference}; the subset tag in BaseFont names the face
    for page in writer.pages:
        for ref in page.get("/Resources", {}).get_object().get("/Font", {}).get_object().values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0" and "/ToUnicode" in font:
                groups.setdefault(font["/BaseFont"], {})[getattr(ref, "idnum", id(ref))] = ref
    canonical = {}
    for base, refs in groups.items():
        # The chunks' subset holds every glyph of the document (the carrier drew them all).
        fonts = sorted((r.get_object() for r in refs.values()), key=file_size, reverse=True)
        cmap_entries, widths = set(), {}
        for font in fonts:
            cmap_entries.update(_cmap_entries(font["/ToUnicode"].get_object().get_data()))
            widths.update(_widths(font["/DescendantFonts"][0].get_object().get("/W", [])))
        first = fonts[0]
        cmap = first["/ToUnicode"].get_object()
        cmap.set_data(_cmap_with(cmap.get_data(), sorted(cmap_entries)))
        w = ArrayObject()
        for gid in sorted(widths):
            w += [NumberObject(gid), ArrayObject([NumberObject(widths[gid])])]
        first["/DescendantFonts"][0].get_object()[NameObject("/W")] = w
        canonical[base] = next(r for r in refs.values() if r.get_object() is first)
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        for name, ref in list(fonts.items()):
            base = ref.get_object().get("/BaseFont")
            if base in canonical:
                fonts[NameObject(name)] = canonical[base]


def _cmap_entries(data):
    lines = data.split(b"\n")
    inside = False
    for line in lines:
        if line.endswith(b"beginbfchar"):
            inside = True
        elif line == b"endbfchar":
            inside = False
        elif inside and line.startswith(b"<"):
            yield line


def _cmap_with(data, entries):
    lines = data.split(b"\n")
    first = next(i for i, line in enumerate(lines) if line.endswith(b"beginbfchar"))
    last = max(i for i, line in enumerate(lines) if line == b"endbfchar")
    out = lines[:first]
    for i in range(0, len(entries), 100):
        batch = entries[i:i + 100]
        out += [f"{len(batch)} beginbfchar".encode(), *batch, b"endbfchar"]
    return b"\n".join(out + lines[last + 1:])


def _widths(w):
    """{gid: width} from a CIDFont /W array: `c [w1 w2 …]` or `c_first c_last w`."""
    out, i = {}, 0
    w = list(w.get_object()) if hasattr(w, "get_object") else list(w)
    while i < len(w):
        start = int(w[i])
        nxt = w[i + 1].get_object() if hasattr(w[i + 1], "get_object") else w[i + 1]
        if isinstance(nxt, list):
            for k, width in enumerate(nxt):
                out[start + k] = float(width) if float(width) != int(width) else int(width)
            i += 2
        else:
            for gid in range(start, int(nxt) + 1):
                out[gid] = w[i + 2]
            i += 3
    return out


def _share_identical_objects(writer):
    """Keep one copy of identical objects. A font object becomes identical to another only once
    its streams have been shared, so repeat until the count stops falling."""
    before = None
    for _ in range(6):
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
        count = sum(1 for obj in writer._objects if obj is not None)
        if count == before:
            break
        before = count


def render_grid_pdf(grid, fileobj):
    html = render_to_string("core/grid_pdf.html", {"grid": grid, "fonts": CJK_FONTS})
    _weasy(html).write_pdf(fileobj)
    return len(grid.rows)
