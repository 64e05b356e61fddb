from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, new_id, utcnow


class Role(StrEnum):
    admin = "admin"
    dispatcher = "dispatcher"
    technician = "technician"
    client_rep = "client_rep"


class User(Base):
    __tablename__ = "users"
    __audit_secret__ = frozenset({"password_hash"})

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
