"""Renderers of one AuditResult. Each is a pure function of the result: none recomputes
verdicts or scores; tabular ones are built from :mod:`.records`."""
