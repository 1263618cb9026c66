"""The pilots' domain logic: programs and units (programs.py), schemes and categories
(schemes.py), monthly dispatch and the problems list (dispatch.py), the overview (overview.py)."""
