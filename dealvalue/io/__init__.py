"""Reading and writing models: model files and Excel workbooks.

Each format is a subpackage or module of its own (:mod:`dealvalue.io.excel`
for workbooks); this package imports none of them, so ``import
dealvalue.io`` stays cheap and a caller loads only the format it uses.
"""
