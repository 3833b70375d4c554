"""The package version, in a module of its own: modules imported by the package read it."""
__version__ = "0.1.0"
