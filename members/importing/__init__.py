"""The roster import: read a spreadsheet (reading, columns, values), preview what it would do
(analysis), write it (service), the pages (views), the template and error workbooks (workbooks),
and the member information form to check and sign (infoform)."""
