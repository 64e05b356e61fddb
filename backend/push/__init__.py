"""Web Push: VAPID keys, the notification payload and the sender (RFC 8030 / 8291 / 8292)."""
