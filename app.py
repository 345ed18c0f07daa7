"""dealvalue in the browser: ``streamlit run app.py [-- --model NAME_OR_PATH]``.

The app is the package :mod:`dealvalue.webapp`; this file only starts it
(as ``dealvalue app`` does through :mod:`dealvalue.webapp.launcher`).
"""

from __future__ import annotations

import sys

from dealvalue.webapp.launcher import model_arg
from dealvalue.webapp.main import main

if __name__ == "__main__":
    main(model=model_arg(sys.argv[1:]))
