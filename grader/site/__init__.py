"""The course site: what its pages say, made from the lessons' own files (:mod:`.lessons`,
:mod:`.pages`, :mod:`.docstrings`, :mod:`.nav`; ``site/hooks/`` hands them to MkDocs),
and building and serving it (:mod:`.builder`)."""
