"""Neighbourhoods (WiN-Gebiete), their forums' rules of procedure, and funding programmes."""
