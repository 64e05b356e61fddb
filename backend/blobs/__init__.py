"""Content-addressed, resumable blob uploads (tus 1.0 semantics) and safe image intake."""
