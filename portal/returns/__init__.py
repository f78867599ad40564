"""Statutory returns from schools: many pupils at once, typed as rows in the browser, uploaded
as CSV, or read from a Common Transfer File; each valid pupil is filed as its own submission.

    rows.py       check pupil rows against the return's definition (every error, row and column)
    csv_files.py  the CSV template of a return, and reading an uploaded CSV
    ctf.py        reading a Common Transfer File (XML) through a defusing parser
    service.py    file a whole return in one transaction (the views and the API call this)
    reminders.py  the council's cadence, and reminders to schools that have not sent one
"""
