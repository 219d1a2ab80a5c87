"""Users: the list, the editor, roles and permission overrides, PIN and password resets."""
