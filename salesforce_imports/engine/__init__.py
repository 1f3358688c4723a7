"""The import engine: Salesforce pages in, CRM rows, mapping rows, problems and counters out.

`job.run_job` walks the selected object types in dependency order; `batch.import_batch`
turns one page into database writes inside one transaction. Conversion itself is pure and
lives in `salesforce_imports.mapping`.
"""
