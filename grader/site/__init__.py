"""The course site: building and serving it (:mod:`.builder`)."""
