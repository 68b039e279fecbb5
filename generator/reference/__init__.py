"""The documentation's Reference pages, generated from the code so they cannot drift: the
fields (from `format/records.py`), the commands (from the argument parser) and the messages
(from the bad-input corpus, run through the real validation). `python -m generator.reference`
writes them into docs/pages/reference/ of a source checkout."""
