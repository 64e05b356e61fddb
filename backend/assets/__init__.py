"""Asset register and QR tags (issue 3).

Pure parts: tag codes (tags), QR images (qr), label sheets (labels), register files
(register_io, register_rows), the system/device catalogue (catalog), demo data
(demo_register). The models, service and routes build on these.
"""
