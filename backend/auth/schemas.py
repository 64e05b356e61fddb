import msgspec


class CurrentUser(msgspec.Struct, frozen=True):
    id: str
    username: str
    display_name: str
    role: str
    locale: str
    session_id: str


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: str = msgspec.field()
    password: str = msgspec.field()


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: str
    new_password: str


class Me(msgspec.Struct):
    user: CurrentUser
