"""File formats: model files (:mod:`dealvalue.io.toml`) and Excel workbooks
(:mod:`dealvalue.io.excel`).

Nothing here imports :mod:`dealvalue.model` or :mod:`dealvalue.deals`: a
reader that builds a model is handed the class to build (``new_model``), and
the deal sheets reach the Excel writer through its ``extra_sheets`` hook.
"""
