"""The engine for large inputs: streamed loading, chunked scoring in worker processes or on a
Dask cluster, exports written as the chunks come back. Results are the same as
:func:`empathy_audit.audit` byte for byte; only time and memory differ."""
