"""Photo records: which record and phase a blob belongs to, scoped by site; watermarked copies."""
