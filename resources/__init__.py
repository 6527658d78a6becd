"""Data files: fonts, icons, translations (package marker so they install with the app)."""
