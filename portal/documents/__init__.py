"""PDFs made with WeasyPrint: receipts, case summaries, reports."""
