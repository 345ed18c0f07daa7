"""dealvalue in the browser: the Streamlit app, as a package.

Start it with ``dealvalue app [MODEL]`` (or ``streamlit run app.py`` in a
checkout).  The page is a thin layer over the library: every number shown
comes from a library call, cached on all of its inputs.

Modules, each importing only those above it in this list:

``format``
    Numbers, Markdown, LaTeX and chart axes for people.
``cache``
    The ``st.cache_data`` / ``st.cache_resource`` wrappers around library calls.
``state``
    Session state, the user's edits, the model spec the page runs.
``panels``
    One module per panel (or small group of panels).
``main``
    ``main(model=None)``: the page layout.
``launcher``
    The script Streamlit runs: reads ``--model NAME_OR_PATH`` and calls ``main``.

Importing this package imports nothing heavy (not even Streamlit).
"""
