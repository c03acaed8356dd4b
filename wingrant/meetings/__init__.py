"""Forum meetings, their agenda, attendance and consensus decisions."""
