"""The PySide6 application: the only package that imports Qt, and nothing imports it."""
