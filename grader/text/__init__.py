"""Text for people: colour and wrapping on a terminal (:mod:`.term`), and learner text made
safe for every surface it reaches (:mod:`.safe_text`)."""
