"""Signed records: canonical hashes, signatures or refusals, a sealed hash chain, verification."""
