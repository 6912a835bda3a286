"""Resident ledgers (台账) in Excel: the template, the import and the export
(docs/registry.md), one module per layer:

- `format`: the file format — limits, vocabulary, columns, the template workbook;
- `parse`: reading a file (`inspect`, `LedgerError`);
- `check`: checking its rows, writing nothing (`validate`);
- `write`: the set-based writer of an import's rows and its audit entry (`_save`);
- `imports`: an import's life, a state machine with a log of its moves (`ledger_upload`,
  `ledger_run` …);
- `export`: the ledger's columns as exported and one resident's row, numbers masked
  (`resident_cells`; the export kind is `registry/exports.py`).

Callers import from the module that holds what they need; nothing is re-exported here.
"""
