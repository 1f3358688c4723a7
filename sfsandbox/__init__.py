"""sfsandbox: a local fake of the Salesforce API (OAuth, REST query, Bulk API 2.0).

See README.md in this folder. Entry points: `python -m sfsandbox`, `sfsandbox.testing`,
`sfsandbox.pytest_plugin`.
"""
