"""Minutes (Protokoll): rendering, approval, publication and versions."""
