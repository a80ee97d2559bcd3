"""The course site: what its pages say, made from the lessons' own files (:mod:`.lessons`,
:mod:`.pages`, :mod:`.docstrings`, :mod:`.nav`, :mod:`.placeholders`), written out as plain
Markdown (:mod:`.generate`), and building and serving it with MkDocs or Zensical
(:mod:`.builder`)."""
