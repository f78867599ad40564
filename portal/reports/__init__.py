"""Reports, registers and exports: the figures councils must give.

``reasons``: the DfE's coded lists (data in portal/data/dfe_*.csv). ``casebook``: cases as
episodes in time, what every report reads. ``figures``: a period's figures. ``dfe_return``: the
DfE's termly CME and EHE return at a census date. ``registers``: children out of provision,
elective home education, lost pupils. ``charts``: server-drawn SVG bar charts. ``csv_export``:
CSV files safe to open in a spreadsheet. ``board``: the safeguarding board's PDF.

Nothing here bypasses the council scoping: every query reads the current council's rows.
"""
