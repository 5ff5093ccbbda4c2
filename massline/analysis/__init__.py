"""Opinion-analysis engine (民意/舆情): pure Python over lists of texts, no Django.

Submodules are imported on demand so that importing the package stays cheap:
``text`` (normalise, segment), ``classify`` (category), ``routing`` (department),
``keywords``, ``csvio`` and ``cli``.
"""
