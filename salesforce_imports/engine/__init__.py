"""The import engine: Salesforce pages in, CRM rows, mapping rows, problems and counters out.

`job.JobRunner` walks the selected object types in dependency order. For each page,
`batch.BatchImporter.prepare` makes every decision without writing (skip, convert, link,
match, build rows) and `write` inserts the result (`bulk.RowWriter`), in one transaction
with the job's counters; `writer.BatchWriter` writes batches in order while the next ones
are prepared. Records come from `sources.RecordSource` (REST pages, or Bulk API jobs whose
pages are read ahead; Lightning notes read ahead in `notes_ahead`). Conversion itself is
pure and lives in `salesforce_imports.mapping`.
"""
