"""Evidence: the masked pictures a change keeps (``pictures``), the stamp burnt under each (``stamp``) and the fonts
that write it in the operator's script (``fonts``)."""
