"""The back-office's work on submissions and cases, apart from the pages that show it
(portal.backoffice): acknowledging, allocating, cases and their timelines, deadlines in school
days, matching and searching names, and the audit trail.

Every function here runs inside a request (or a `tenant_scope`) for one council; the query
scoping in portal.tenancy keeps every read and write to that council.
"""
