"""Users, roles and scopes, login, API tokens."""
